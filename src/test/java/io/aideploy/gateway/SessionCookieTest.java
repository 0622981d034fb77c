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
  private static final String APP = "0f8d2c4e-5b6a-4c1d-9e7f-123456789abc";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final SessionCookie sessions =
      new SessionCookie(Signer.of(KEY), clock, Duration.ofHours(12));
  private final String value = TokenValue.generate();
  private final TokenEntry token = token(TokenValue.hash(value), null, null);

  @Test
  void refersToTheAppAndTokenWithoutItsValue() {
    SessionCookie.Issued issued = sessions.session(token, APP);
    assertThat(issued.maxAgeSeconds()).isEqualTo(12 * 3600);
    assertThat(issued.value()).doesNotContain(value).doesNotContain(token.tokenHash());
    String decoded = decodedPayload(issued.value());
    assertThat(decoded).doesNotContain(value).doesNotContain(token.tokenHash().substring(7));
    SessionCookie.Reference reference = sessions.verifySession(issued.value());
    assertThat(reference.appId()).isEqualTo(APP);
    assertThat(reference.namespace()).isEqualTo("ns");
    assertThat(reference.name()).isEqualTo("t");
    assertThat(reference.isCurrentFor(token)).isTrue();
  }

  @Test
  void regenerationBreaksTheFingerprint() {
    SessionCookie.Reference reference =
        sessions.verifySession(sessions.session(token, APP).value());
    TokenEntry regenerated = token(TokenValue.hash(TokenValue.generate()), null, null);
    assertThat(reference.isCurrentFor(regenerated)).isFalse();
  }

  @Test
  void signOutEndsSessionsIssuedUntilThen() {
    SessionCookie.Reference before = sessions.verifySession(sessions.session(token, APP).value());
    TokenEntry signedOut = token(token.tokenHash(), null, clock.instant());
    assertThat(before.isCurrentFor(signedOut)).isFalse();
    clock.advance(Duration.ofMillis(1));
    SessionCookie.Reference after = sessions.verifySession(sessions.session(token, APP).value());
    assertThat(after.isCurrentFor(signedOut)).isTrue();
  }

  @Test
  void ticketsAndSessionsAreNotInterchangeable() {
    String ticket = sessions.ticket(token, APP);
    assertThat(sessions.verifyTicket(ticket).appId()).isEqualTo(APP);
    assertThat(sessions.verifySession(ticket)).isNull();
    assertThat(sessions.verifyTicket(sessions.session(token, APP).value())).isNull();
  }

  @Test
  void ticketsLiveAMinute() {
    String ticket = sessions.ticket(token, APP);
    clock.advance(SessionCookie.TICKET_LIFETIME.minusSeconds(1));
    assertThat(sessions.verifyTicket(ticket)).isNotNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(sessions.verifyTicket(ticket)).isNull();
  }

  @Test
  void expiresWithItsLifetimeOrItsToken() {
    String cookie = sessions.session(token, APP).value();
    clock.advance(Duration.ofHours(12));
    assertThat(sessions.verifySession(cookie)).isNull();

    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    TokenEntry shortLived = token(token.tokenHash(), Instant.parse("2026-06-01T13:00:00Z"), null);
    SessionCookie.Issued issued = sessions.session(shortLived, APP);
    assertThat(issued.maxAgeSeconds()).isEqualTo(3600);
    clock.advance(Duration.ofMinutes(61));
    assertThat(sessions.verifySession(issued.value())).isNull();
  }

  @Test
  void theCookieIsHostOnlySecureAndHttpOnly() {
    String header = SessionCookie.setCookie("v", 60);
    assertThat(header)
        .startsWith("__Host-aideploy_session=v")
        .contains("Path=/")
        .contains("Secure")
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Lax")
        .doesNotContainIgnoringCase("domain");
  }

  @Test
  void tamperedForeignOrOtherKeyCookiesAreRefused() {
    String cookie = sessions.session(token, APP).value();
    SessionCookie otherKey =
        new SessionCookie(Signer.of("x".repeat(32)), clock, Duration.ofHours(12));
    assertThat(otherKey.verifySession(cookie)).isNull();
    String payload = cookie.substring(0, cookie.indexOf('.'));
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    decodedPayload(cookie)
                        .replace(APP, "another-app")
                        .getBytes(StandardCharsets.UTF_8))
            + cookie.substring(cookie.indexOf('.'));
    assertThat(sessions.verifySession(forged)).isNull();
    assertThat(sessions.verifySession(payload)).isNull();
    assertThat(sessions.verifySession(payload + ".")).isNull();
    assertThat(sessions.verifySession("a.b.c")).isNull();
    assertThat(sessions.verifySession("!!!.???")).isNull();
    assertThat(sessions.verifySession("x".repeat(5000))).isNull();
    assertThat(sessions.verifySession(null)).isNull();
    // A form token, signed with the same key, is not a session.
    assertThat(
            sessions.verifySession(
                Signer.of(KEY).sign("aideploy-login-form-v1", "a\nns\nt\nf\n1\n9999999999")))
        .isNull();
  }

  private static String decodedPayload(String cookie) {
    return new String(
        Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))),
        StandardCharsets.UTF_8);
  }

  private static TokenEntry token(String hash, Instant expiresAt, Instant notBefore) {
    return new TokenEntry(
        "ns",
        "t",
        "uid-t",
        Role.Reader,
        Selector.everything(),
        expiresAt,
        true,
        hash,
        null,
        notBefore,
        null,
        null);
  }
}
