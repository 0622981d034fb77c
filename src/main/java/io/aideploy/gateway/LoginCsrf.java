package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The login form's two CSRF checks (docs/security.md): a POST must come from the login page's own
 * origin, and must carry a form token that only that page hands out, signed and expiring.
 */
final class LoginCsrf {
  private static final String FORM_PURPOSE = "aideploy-login-form-v1";
  private static final long FORM_LIFETIME_SECONDS = 3600;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final GatewayContext gateway;
  private final String loginOrigin;

  LoginCsrf(GatewayContext gateway) {
    this.gateway = gateway;
    this.loginOrigin = origin(gateway.settings().loginUrl());
  }

  /** CSRF check one: a browser always sends Origin on a POST form; Referer is the fallback. */
  boolean sameOrigin(HttpServerRequest request) {
    String origin = RequestContext.header(request, "Origin");
    if (origin != null) {
      return origin.toLowerCase(Locale.ROOT).equals(loginOrigin);
    }
    String referer = RequestContext.header(request, "Referer");
    return referer != null && referer.toLowerCase(Locale.ROOT).startsWith(loginOrigin + "/");
  }

  /** CSRF check two: a form token signed by us, not older than an hour. */
  String formToken() {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    long expires = gateway.clock().instant().getEpochSecond() + FORM_LIFETIME_SECONDS;
    return gateway
        .signer()
        .sign(
            FORM_PURPOSE,
            expires + "\n" + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
  }

  boolean validFormToken(String token) {
    String text = gateway.signer().verify(FORM_PURPOSE, token);
    if (text == null || text.indexOf('\n') < 0) {
      return false;
    }
    try {
      long expires = Long.parseLong(text.substring(0, text.indexOf('\n')));
      return gateway.clock().instant().getEpochSecond() < expires;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + url.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }
}
