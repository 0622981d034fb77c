package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.Role;
import io.aideploy.crypto.TokenValue;
import io.aideploy.labels.Selector;
import io.aideploy.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionCookieTest {
  private static final String KEY = "k".repeat(32);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final SessionCookie sessions =
      new SessionCookie(Signer.of(KEY), clock, Duration.ofHours(12));
  private final String value = TokenValue.generate();
  private final TokenEntry token = token(TokenValue.hash(value), null);

  @Test
  void refersToTheTokenWithoutItsValue() {
    SessionCookie.Issued issued = sessions.issue(token);
    assertThat(issued.maxAgeSeconds()).isEqualTo(12 * 3600);
    assertThat(issued.value()).doesNotContain(value).doesNotContain(token.tokenHash());
    String decoded = decodedPayload(issued.value());
    assertThat(decoded).doesNotContain(value).doesNotContain(token.tokenHash().substring(7));
    SessionCookie.Reference reference = sessions.verify(issued.value());
    assertThat(reference.namespace()).isEqualTo("ns");
    assertThat(reference.name()).isEqualTo("t");
    assertThat(SessionCookie.matches(reference, token)).isTrue();
  }

  @Test
  void regenerationBreaksTheFingerprint() {
    SessionCookie.Reference reference = sessions.verify(sessions.issue(token).value());
    TokenEntry regenerated = token(TokenValue.hash(TokenValue.generate()), null);
    assertThat(SessionCookie.matches(reference, regenerated)).isFalse();
  }

  @Test
  void expiresWithItsLifetimeOrItsToken() {
    String cookie = sessions.issue(token).value();
    clock.advance(Duration.ofHours(12));
    assertThat(sessions.verify(cookie)).isNull();

    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    TokenEntry shortLived = token(token.tokenHash(), Instant.parse("2026-06-01T13:00:00Z"));
    SessionCookie.Issued issued = sessions.issue(shortLived);
    assertThat(issued.maxAgeSeconds()).isEqualTo(3600);
    clock.advance(Duration.ofMinutes(61));
    assertThat(sessions.verify(issued.value())).isNull();
  }

  @Test
  void tamperedForeignOrOtherKeyCookiesAreRefused() {
    String cookie = sessions.issue(token).value();
    SessionCookie otherKey =
        new SessionCookie(Signer.of("x".repeat(32)), clock, Duration.ofHours(12));
    assertThat(otherKey.verify(cookie)).isNull();
    String payload = cookie.substring(0, cookie.indexOf('.'));
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    decodedPayload(cookie)
                        .replace("ns\n", "admin\n")
                        .getBytes(StandardCharsets.UTF_8))
            + cookie.substring(cookie.indexOf('.'));
    assertThat(sessions.verify(forged)).isNull();
    assertThat(sessions.verify(payload)).isNull();
    assertThat(sessions.verify(payload + ".")).isNull();
    assertThat(sessions.verify("a.b.c")).isNull();
    assertThat(sessions.verify("!!!.???")).isNull();
    assertThat(sessions.verify("x".repeat(5000))).isNull();
    assertThat(sessions.verify(null)).isNull();
    // A form token, signed with the same key, is not a session.
    assertThat(
            sessions.verify(Signer.of(KEY).sign("aideploy-login-form-v1", "ns\nt\nf\n9999999999")))
        .isNull();
  }

  private static String decodedPayload(String cookie) {
    return new String(
        Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))),
        StandardCharsets.UTF_8);
  }

  private static TokenEntry token(String hash, Instant expiresAt) {
    return new TokenEntry(
        "ns", "t", Role.Reader, Selector.everything(), expiresAt, true, hash, null);
  }
}
