package io.aideploy.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The {@code aideploy_session} cookie: a signed, expiring reference to a token — its namespace,
 * name and a fingerprint of its current hash — never the token value. Regenerating the token
 * changes the hash, so the fingerprint stops matching; deleting it removes the name from the index;
 * changing the signing key invalidates every cookie.
 */
final class SessionCookie {
  static final String NAME = "aideploy_session";
  private static final String PURPOSE = "aideploy-session-v1";

  /** What a valid cookie refers to. */
  record Reference(String namespace, String name, String fingerprint) {}

  private final Signer signer;
  private final Clock clock;
  private final Duration lifetime;

  SessionCookie(Signer signer, Clock clock, Duration lifetime) {
    this.signer = signer;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** The cookie value for {@code token}, and how long it lives (never past the token's expiry). */
  Issued issue(TokenEntry token) {
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    if (token.expiresAt() != null && token.expiresAt().isBefore(expires)) {
      expires = token.expiresAt();
    }
    String text =
        token.namespace()
            + "\n"
            + token.name()
            + "\n"
            + fingerprint(token.tokenHash())
            + "\n"
            + expires.getEpochSecond();
    return new Issued(
        signer.sign(PURPOSE, text), Math.max(0, expires.getEpochSecond() - now.getEpochSecond()));
  }

  /** A cookie value and its Max-Age in seconds. */
  record Issued(String value, long maxAgeSeconds) {}

  /** The token a cookie refers to, or null when it is not ours, or expired. */
  Reference verify(String cookie) {
    String text = signer.verify(PURPOSE, cookie);
    if (text == null) {
      return null;
    }
    String[] parts = text.split("\n", -1);
    if (parts.length != 4) {
      return null;
    }
    long expires;
    try {
      expires = Long.parseLong(parts[3]);
    } catch (NumberFormatException e) {
      return null;
    }
    if (clock.instant().getEpochSecond() >= expires) {
      return null;
    }
    return new Reference(parts[0], parts[1], parts[2]);
  }

  /** Whether {@code reference} still points at {@code token}'s current value. */
  static boolean matches(Reference reference, TokenEntry token) {
    return MessageDigest.isEqual(
        reference.fingerprint().getBytes(StandardCharsets.US_ASCII),
        fingerprint(token.tokenHash()).getBytes(StandardCharsets.US_ASCII));
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
