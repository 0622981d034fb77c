package io.aideploy.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Validation of the {@code rd} parameter of the login page, so that it cannot be an open redirect:
 * only {@code https://<id>.<base-domain>/…} of an app the index knows, or a path relative to the
 * login host. Everything is checked on the raw text before any parser sees it, because browsers and
 * URL parsers disagree on backslashes, control characters and userinfo.
 */
final class RedirectTarget {
  static final int MAX_LENGTH = 2048;

  /**
   * A validated target.
   *
   * @param url the redirect location, exactly as given
   * @param appId the app it leads to; null for a relative path
   */
  record Target(String url, String appId) {}

  private final AppLocator locator;
  private final AccessIndex index;

  RedirectTarget(AppLocator locator, AccessIndex index) {
    this.locator = locator;
    this.index = index;
  }

  /** The target, or null when {@code rd} must be refused. */
  Target parse(String rd) {
    if (rd == null || rd.isEmpty() || rd.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < rd.length(); i++) {
      char c = rd.charAt(i);
      // Spaces, controls, DEL, non-ASCII (homographs) and backslashes (read as '/' by browsers).
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return null;
      }
    }
    if (rd.charAt(0) == '/') {
      // "//host" is scheme-relative: another site.
      return rd.length() > 1 && rd.charAt(1) == '/' ? null : new Target(rd, null);
    }
    if (!rd.regionMatches(true, 0, "https://", 0, 8)) {
      return null;
    }
    String authority = AppLocator.hostOfUrl(rd);
    if (authority == null) {
      return null;
    }
    String host = authority.toLowerCase(Locale.ROOT);
    if (host.endsWith(":443")) {
      host = host.substring(0, host.length() - 4);
    } else if (host.indexOf(':') >= 0) {
      return null;
    }
    if (host.endsWith(".")) {
      // "<id>.<base-domain>." is the same name in DNS, but another host to the browser's cookies.
      return null;
    }
    AppLocator.Located located = locator.fromHost(host);
    if (located.appId() == null || index.app(located.appId()) == null) {
      return null;
    }
    // A second opinion from a strict parser: it must see the same host.
    try {
      URI uri = new URI(rd);
      if (uri.getRawUserInfo() != null
          || uri.getHost() == null
          || !uri.getHost().equalsIgnoreCase(host)) {
        return null;
      }
    } catch (URISyntaxException e) {
      return null;
    }
    return new Target(rd, located.appId());
  }
}
