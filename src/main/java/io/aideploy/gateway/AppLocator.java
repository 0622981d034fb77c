package io.aideploy.gateway;

import java.util.Locale;

/**
 * Reads app ids out of host names and ids, for the {@link ProxyAdapter}s, each of which decides
 * which one input to hand it. Pure and allocation-light; never throws.
 */
final class AppLocator {

  /** Result of locating: an id (maybe unknown to the index), nothing, or malformed input. */
  record Located(String appId, boolean malformed) {
    static final Located NONE = new Located(null, false);
    static final Located MALFORMED = new Located(null, true);
  }

  private final String hostSuffix;

  AppLocator(String baseDomain) {
    this.hostSuffix = "." + baseDomain.toLowerCase(Locale.ROOT);
  }

  /** The app id of {@code <id>.<base-domain>[:port]}, or NONE for any other well-formed host. */
  Located fromHost(String rawHost) {
    String host = rawHost.strip();
    if (host.isEmpty() || host.length() > 300) {
      return Located.MALFORMED;
    }
    // Before lowercasing, which would turn the Kelvin sign U+212A into an ASCII 'k'.
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '@' || c == '\\' || c == '/') {
        return Located.MALFORMED;
      }
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return Located.NONE; // an IPv6 literal is never an app host
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      String port = host.substring(colon + 1);
      if (!port.matches("[0-9]{1,5}")) {
        return Located.MALFORMED;
      }
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!host.endsWith(hostSuffix)) {
      return Located.NONE;
    }
    String id = host.substring(0, host.length() - hostSuffix.length());
    return isId(id) ? new Located(id, false) : Located.NONE;
  }

  /**
   * Whether {@code candidate} can be an app id: a uid is lowercase hex and dashes, and anything
   * wider than a DNS label ({@code [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?}) is refused, not looked up.
   * A loop rather than a regex: this runs on every request.
   */
  static boolean isId(String candidate) {
    int length = candidate.length();
    if (length == 0 || length > 63) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = candidate.charAt(i);
      boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      boolean innerDash = c == '-' && i > 0 && i < length - 1;
      if (!alphanumeric && !innerDash) {
        return false;
      }
    }
    return true;
  }

  /**
   * The request-target (path and query) of an absolute http(s) URL, "/" when it has none, or null
   * when it is not such a URL.
   */
  static String targetOfUrl(String url) {
    if (hostOfUrl(url) == null) {
      return null;
    }
    int start = url.indexOf("://") + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String target = url.substring(end);
    int fragment = target.indexOf('#');
    if (fragment >= 0) {
      target = target.substring(0, fragment);
    }
    if (target.isEmpty()) {
      return "/";
    }
    return target.charAt(0) == '/' ? target : "/" + target;
  }

  /** The host of an absolute http(s) URL, or null when it is not one or carries userinfo. */
  static String hostOfUrl(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return null;
    }
    String scheme = url.substring(0, schemeEnd);
    if (!scheme.equalsIgnoreCase("https") && !scheme.equalsIgnoreCase("http")) {
      return null;
    }
    int start = schemeEnd + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    if (authority.isEmpty() || authority.indexOf('@') >= 0 || authority.indexOf('\\') >= 0) {
      return null;
    }
    return authority;
  }
}
