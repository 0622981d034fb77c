package io.aideploy.gateway;

import java.util.function.Supplier;

/** What a request presents as proof: nothing, a bearer token value, or a session cookie. */
sealed interface Credential {
  String AUTHORIZATION_SCHEME = "bearer";

  /** No credential at all. */
  record None() implements Credential {}

  /** An {@code Authorization} header that is not a usable bearer credential. */
  record Malformed() implements Credential {}

  /** A bearer token value, not yet checked. Its toString never shows the value. */
  record Bearer(String value) implements Credential {
    @Override
    public String toString() {
      return "Bearer[redacted]";
    }
  }

  /** A session cookie, not yet checked. */
  record Session(String cookie) implements Credential {
    @Override
    public String toString() {
      return "Session[redacted]";
    }
  }

  /** A sign-in ticket from the login page, not yet checked (see {@link SessionCookie}). */
  record Ticket(String ticket) implements Credential {
    @Override
    public String toString() {
      return "Ticket[redacted]";
    }
  }

  /**
   * The credential of a request: the {@code Authorization} header wins over the session cookie, and
   * a present but unusable header is not silently replaced by the cookie. The cookie is read only
   * when there is no header (parsing cookies on every bearer request would be wasted).
   */
  static Credential of(String authorization, Supplier<String> sessionCookie) {
    return of(authorization, null, sessionCookie);
  }

  /** As {@link #of(String, Supplier)}, with a sign-in ticket that goes before the cookie. */
  static Credential of(String authorization, String ticket, Supplier<String> sessionCookie) {
    if (authorization != null) {
      return bearer(authorization);
    }
    if (ticket != null) {
      return new Ticket(ticket);
    }
    String cookie = sessionCookie.get();
    if (cookie != null && !cookie.isEmpty()) {
      return new Session(cookie);
    }
    return new None();
  }

  /**
   * Parses {@code Bearer <value>} (scheme case-insensitive, RFC 9110); anything else is Malformed.
   */
  static Credential bearer(String authorization) {
    String header = authorization.strip();
    int space = header.indexOf(' ');
    if (space != AUTHORIZATION_SCHEME.length()
        || !header.regionMatches(true, 0, AUTHORIZATION_SCHEME, 0, space)) {
      return new Malformed();
    }
    String value = header.substring(space + 1).strip();
    return value.isEmpty() ? new Malformed() : new Bearer(value);
  }
}
