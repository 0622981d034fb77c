package io.aideploy.gateway;

import java.util.Locale;
import java.util.Set;

/**
 * The one kind of request that may reach an app without a credential when the app lists origins
 * ({@code spec.cors}): a CORS preflight, that is the browser's {@code OPTIONS} (as the proxy
 * reports the method, never as the client claims it) with an {@code Access-Control-Request-Method}
 * and an {@code Origin} that the app lists. Browsers never send credentials with a preflight, so
 * without this an app behind the gateway cannot be called from a page on another origin at all.
 *
 * <p>Read lazily: only a credential-less check of an app that lists origins looks at these headers,
 * so nothing changes for any other app.
 */
final class CorsPreflight {
  /** For callers that have no browser request (none is a preflight). */
  static final CorsPreflight NONE = new CorsPreflight(null);

  /**
   * Headers by which frameworks let a request stand for another method. A browser's preflight never
   * carries them; an app that honours one would take a credential-less OPTIONS for a POST.
   */
  private static final String[] METHOD_OVERRIDES = {
    "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"
  };

  private final AuthCheck check;

  CorsPreflight(AuthCheck check) {
    this.check = check;
  }

  /**
   * Whether the request is a preflight from one of {@code allowedOrigins}. A repeated {@code
   * Origin} or {@code Access-Control-Request-Method} is malformed ({@link
   * RequestContext.MalformedRequest}), as any repeated header the gateway reads.
   */
  boolean from(Set<String> allowedOrigins) {
    if (check == null || allowedOrigins.isEmpty() || !"OPTIONS".equals(check.method())) {
      return false;
    }
    String requested = check.header("Access-Control-Request-Method");
    if (requested == null || requested.isEmpty()) {
      return false; // a plain OPTIONS is a request like any other
    }
    for (String override : METHOD_OVERRIDES) {
      if (check.listHeader(override) != null) {
        return false;
      }
    }
    return matches(check.header("Origin"), allowedOrigins);
  }

  /**
   * Whether {@code origin}, as a browser sent it, is one of {@code allowedOrigins} (serialized
   * origins, lower case, as the CRD's pattern admits them). RFC 6454 compares scheme and host
   * case-insensitively in ASCII, so only ASCII is folded: Java's own case folding would take the
   * Kelvin sign for a {@code k}. Nothing else is normalised: a path, a trailing slash or dot, a
   * userinfo, a percent-escape, a default port or {@code null} are not the listed origin.
   */
  static boolean matches(String origin, Set<String> allowedOrigins) {
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    for (int i = 0; i < origin.length(); i++) {
      char c = origin.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
