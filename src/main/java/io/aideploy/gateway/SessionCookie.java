package io.aideploy.gateway;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Browser sessions, each bound to one app and one token, and only ever held by that app's host.
 *
 * <p>The login page runs on its own host and cannot set a cookie for an app's host. So after a good
 * sign-in it hands the browser a <em>ticket</em>: a signed reference to (app, token) that lives for
 * a minute, carried in the {@value #TICKET_PARAM} query parameter of the app URL it redirects to.
 * The app's external-auth check sees the ticket and answers with the session cookie, which the
 * proxy copies to the browser: {@value #NAME}, host-only (the {@code __Host-} prefix makes browsers
 * refuse it with a Domain attribute, so no sibling host can set or receive it).
 *
 * <p>Both are {@code base64url(fields) . base64url(HMAC-SHA256)} of: app id, token namespace and
 * name, a fingerprint of the token's current hash (never the value or the hash), the time of issue
 * in milliseconds, and the expiry. A session stops working when the token is regenerated (the
 * fingerprint changes), deleted, expires, is signed out ({@code status.sessionsNotBefore}), when
 * the session lifetime is over, or when the signing key changes.
 */
final class SessionCookie {
  static final String NAME = "__Host-aideploy_session";
  static final String TICKET_PARAM = "aideploy_ticket";

  /** The path on every app's host at which a POST signs the browser's token out. */
  static final String SIGN_OUT_PATH = "/.aideploy/sign-out";

  static final Duration TICKET_LIFETIME = Duration.ofMinutes(1);
  private static final String SESSION_PURPOSE = "aideploy-session-v2";
  private static final String TICKET_PURPOSE = "aideploy-ticket-v1";

  /**
   * What a valid ticket or session refers to.
   *
   * @param issuedAtMillis when it was issued, compared with the token's sessionsNotBefore
   */
  record Reference(
      String appId, String namespace, String name, String fingerprint, long issuedAtMillis) {

    /** Whether this still refers to {@code token}'s current value and was not signed out. */
    boolean isCurrentFor(TokenEntry token) {
      boolean sameValue =
          MessageDigest.isEqual(
              fingerprint.getBytes(StandardCharsets.US_ASCII),
              SessionCookie.fingerprint(token.tokenHash()).getBytes(StandardCharsets.US_ASCII));
      Instant notBefore = token.sessionsNotBefore();
      return sameValue && (notBefore == null || issuedAtMillis > notBefore.toEpochMilli());
    }
  }

  /** A session cookie value and its Max-Age in seconds. */
  record Issued(String value, long maxAgeSeconds) {}

  private final Signer signer;
  private final Clock clock;
  private final Duration lifetime;

  SessionCookie(Signer signer, Clock clock, Duration lifetime) {
    this.signer = signer;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** A ticket that {@code appId}'s check exchanges for a session of {@code token}. */
  String ticket(TokenEntry token, String appId) {
    Instant now = clock.instant();
    return sign(TICKET_PURPOSE, appId, token, now, now.plus(TICKET_LIFETIME));
  }

  /** A session of {@code token} on {@code appId}; never outlives the token. */
  Issued session(TokenEntry token, String appId) {
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    if (token.expiresAt() != null && token.expiresAt().isBefore(expires)) {
      expires = token.expiresAt();
    }
    return new Issued(
        sign(SESSION_PURPOSE, appId, token, now, expires),
        Math.max(0, expires.getEpochSecond() - now.getEpochSecond()));
  }

  /** What a ticket refers to, or null when it is not ours or has expired. */
  Reference verifyTicket(String ticket) {
    return verify(TICKET_PURPOSE, ticket);
  }

  /** What a session cookie refers to, or null when it is not ours or has expired. */
  Reference verifySession(String cookie) {
    return verify(SESSION_PURPOSE, cookie);
  }

  /** The {@code Set-Cookie} value of a session; an empty value with Max-Age 0 removes it. */
  static String setCookie(String value, long maxAgeSeconds) {
    // Host-only (no Domain) and Path=/ are what the __Host- prefix demands.
    return Cookie.cookie(NAME, value)
        .setPath("/")
        .setMaxAge(maxAgeSeconds)
        .setHttpOnly(true)
        .setSecure(true)
        .setSameSite(CookieSameSite.LAX)
        .encode();
  }

  private String sign(String purpose, String appId, TokenEntry token, Instant now, Instant until) {
    String text =
        appId
            + "\n"
            + token.namespace()
            + "\n"
            + token.name()
            + "\n"
            + fingerprint(token.tokenHash())
            + "\n"
            + now.toEpochMilli()
            + "\n"
            + until.getEpochSecond();
    return signer.sign(purpose, text);
  }

  private Reference verify(String purpose, String signed) {
    String text = signer.verify(purpose, signed);
    if (text == null) {
      return null;
    }
    String[] parts = text.split("\n", -1);
    if (parts.length != 6) {
      return null;
    }
    long issuedAt;
    long expires;
    try {
      issuedAt = Long.parseLong(parts[4]);
      expires = Long.parseLong(parts[5]);
    } catch (NumberFormatException e) {
      return null;
    }
    if (clock.instant().getEpochSecond() >= expires) {
      return null;
    }
    return new Reference(parts[0], parts[1], parts[2], parts[3], issuedAt);
  }

  static String fingerprint(String tokenHash) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("aideploy-session-fingerprint\n" + tokenHash).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support SHA-256", e);
    }
  }
}
