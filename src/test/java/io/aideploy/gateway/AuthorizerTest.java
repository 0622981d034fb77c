package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access rules on an index fed directly, without informers. */
class AuthorizerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final AccessIndex index = new AccessIndex();
  private final Authorizer authorizer =
      new Authorizer(index, clock, new SessionCookie(Signer.of(null), clock, Duration.ofHours(1)));
  private AiApp appA;
  private AiApp appB;

  @BeforeEach
  void apps() {
    index.syncedWhen(() -> true);
    appA = app("ns", "a", Map.of("group", "A"), Access.Token);
    appB = app("ns", "b", Map.of("group", "B", "ovh/id", "spoofed"), Access.Token);
    index.putApp(appA);
    index.putApp(appB);
  }

  @Test
  void notSyncedIsUnavailableWhateverElse() {
    index.syncedWhen(() -> false);
    String value = token("ns", "t", Role.Reader, null, null);
    assertThat(decide(appA, value).outcome()).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(authorizer.authorize(AppLocator.Located.MALFORMED, new Credential.None()).outcome())
        .isEqualTo(Outcome.UNAVAILABLE);
  }

  @Test
  void selectorAndNamespaceDecide() {
    String all = token("ns", "all", Role.Reader, null, null);
    String groupA = token("ns", "group-a", Role.Operator, "group=A", null);
    String other = token("other", "elsewhere", Role.Operator, null, null);
    assertThat(decide(appA, all).reason()).isEqualTo(Reason.TOKEN_OK);
    assertThat(decide(appB, all).reason()).isEqualTo(Reason.TOKEN_OK);
    Decision allowed = decide(appA, groupA);
    assertThat(allowed.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(allowed.token().name()).isEqualTo("group-a");
    assertThat(allowed.token().role()).isEqualTo(Role.Operator);
    assertThat(decide(appB, groupA).reason()).isEqualTo(Reason.OUT_OF_SCOPE);
    assertThat(decide(appA, other).reason()).isEqualTo(Reason.OTHER_NAMESPACE);
  }

  @Test
  void reservedLabelsComeFromTheUidOnly() {
    String onlyA = token("ns", "only-a", Role.Reader, "ovh/id=" + uid(appA), null);
    String spoofed = token("ns", "spoofed", Role.Reader, "ovh/id=spoofed", null);
    assertThat(decide(appA, onlyA).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(decide(appB, onlyA).outcome()).isEqualTo(Outcome.FORBIDDEN);
    assertThat(decide(appB, spoofed).outcome()).isEqualTo(Outcome.FORBIDDEN);
  }

  @Test
  void credentialsThatAreNotATokenAreUnauthenticated() {
    assertThat(authorizer.authorize(located(appA), new Credential.None()).reason())
        .isEqualTo(Reason.NO_TOKEN);
    assertThat(authorizer.authorize(located(appA), new Credential.Malformed()).reason())
        .isEqualTo(Reason.MALFORMED_TOKEN);
    assertThat(decide(appA, "aid_notavalidtoken").reason()).isEqualTo(Reason.MALFORMED_TOKEN);
    assertThat(decide(appA, TokenValue.generate()).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
  }

  @Test
  void regeneratedDeletedNotReadyAndExpiredTokensAreRefused() {
    String old = token("ns", "t", Role.Reader, null, null);
    String fresh = token("ns", "t", Role.Reader, null, null);
    assertThat(decide(appA, old).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
    assertThat(decide(appA, fresh).outcome()).isEqualTo(Outcome.ALLOW);

    String expiring = token("ns", "e", Role.Reader, null, "2026-06-01T12:30:00Z");
    assertThat(decide(appA, expiring).outcome()).isEqualTo(Outcome.ALLOW);
    clock.advance(Duration.ofMinutes(30));
    assertThat(decide(appA, expiring).reason()).isEqualTo(Reason.TOKEN_EXPIRED);

    AiToken invalid = tokenResource("ns", "i", Role.Reader, null, null);
    String value = TokenValue.generate();
    invalid.getStatus().setTokenHash(TokenValue.hash(value));
    invalid.getStatus().setPhase(TokenPhase.Invalid);
    index.putToken(invalid);
    assertThat(decide(appA, value).reason()).isEqualTo(Reason.TOKEN_NOT_READY);

    invalid.getStatus().setPhase(TokenPhase.Ready);
    invalid.getMetadata().setDeletionTimestamp("2026-06-01T12:00:00Z");
    index.putToken(invalid);
    assertThat(decide(appA, value).reason()).isEqualTo(Reason.TOKEN_NOT_READY);

    index.removeToken(invalid);
    assertThat(decide(appA, value).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
    assertThat(index.tokenByHash(TokenValue.hash(value))).isNull();
  }

  @Test
  void aReplacedValueWorksUntilItsGracePeriodEndsByTheClock() {
    AiToken token = tokenResource("ns", "rotated", Role.Reader, null, null);
    String old = TokenValue.generate();
    String fresh = TokenValue.generate();
    token.getStatus().setTokenHash(TokenValue.hash(fresh));
    token.getStatus().setPreviousTokenHash(TokenValue.hash(old));
    token.getStatus().setPreviousValueValidUntil("2026-06-01T12:10:00Z");
    index.putToken(token);
    // A session made with each value while both work.
    SessionCookie sessions = new SessionCookie(Signer.of(null), clock, Duration.ofHours(1));
    Authorizer withSessions = new Authorizer(index, clock, sessions);
    String oldSession =
        sessions
            .session(withSessions.authenticate(bearer(old), uid(appA)).token(), uid(appA))
            .value();
    String freshSession =
        sessions
            .session(withSessions.authenticate(bearer(fresh), uid(appA)).token(), uid(appA))
            .value();

    assertThat(decide(appA, old).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(decide(appA, old).token().name()).isEqualTo("rotated");
    assertThat(decide(appA, fresh).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(withSessions.authorize(located(appA), new Credential.Session(oldSession)).outcome())
        .isEqualTo(Outcome.ALLOW);

    // No event: the clock alone ends the previous value, and every session made with it.
    clock.advance(Duration.ofMinutes(10));
    assertThat(decide(appA, old).outcome()).isEqualTo(Outcome.UNAUTHENTICATED);
    assertThat(withSessions.authorize(located(appA), new Credential.Session(oldSession)).outcome())
        .isEqualTo(Outcome.UNAUTHENTICATED);
    assertThat(decide(appA, fresh).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(
            withSessions.authorize(located(appA), new Credential.Session(freshSession)).outcome())
        .isEqualTo(Outcome.ALLOW);

    // Deleting the token ends both at once.
    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    index.removeToken(token);
    assertThat(decide(appA, old).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
    assertThat(index.tokenByHash(TokenValue.hash(old))).isNull();
  }

  @Test
  void aSecondRegenerationEndsTheFirstReplacedValueAtOnce() {
    AiToken token = tokenResource("ns", "twice", Role.Reader, null, null);
    String first = TokenValue.generate();
    String second = TokenValue.generate();
    String third = TokenValue.generate();
    token.getStatus().setTokenHash(TokenValue.hash(second));
    token.getStatus().setPreviousTokenHash(TokenValue.hash(first));
    token.getStatus().setPreviousValueValidUntil("2026-06-01T12:10:00Z");
    index.putToken(token);
    token.getStatus().setTokenHash(TokenValue.hash(third));
    token.getStatus().setPreviousTokenHash(null);
    token.getStatus().setPreviousValueValidUntil(null);
    index.putToken(token);
    assertThat(decide(appA, first).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
    assertThat(decide(appA, second).reason()).isEqualTo(Reason.UNKNOWN_TOKEN);
    assertThat(decide(appA, third).outcome()).isEqualTo(Outcome.ALLOW);
  }

  private static Credential bearer(String value) {
    return new Credential.Bearer(value);
  }

  @Test
  void unparsableSelectorGrantsNothing() {
    String broken = token("ns", "broken", Role.Operator, "group in (A", null);
    assertThat(decide(appA, broken).outcome()).isEqualTo(Outcome.FORBIDDEN);
  }

  @Test
  void publicAndUnknownApps() {
    AiApp open = app("ns", "open", Map.of(), Access.Public);
    index.putApp(open);
    assertThat(authorizer.authorize(located(open), new Credential.None()).outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            authorizer
                .authorize(new AppLocator.Located("nope", false), new Credential.None())
                .reason())
        .isEqualTo(Reason.UNKNOWN_APP);
    index.removeApp(open);
    assertThat(authorizer.authorize(located(open), new Credential.None()).reason())
        .isEqualTo(Reason.UNKNOWN_APP);
  }

  private Decision decide(AiApp app, String value) {
    return authorizer.authorize(located(app), new Credential.Bearer(value));
  }

  private static AppLocator.Located located(AiApp app) {
    return new AppLocator.Located(uid(app), false);
  }

  private static String uid(AiApp app) {
    return app.getMetadata().getUid();
  }

  private static AiApp app(String ns, String name, Map<String, String> labels, Access access) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(name)
            .withUid(UUID.randomUUID().toString())
            .withLabels(labels)
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("hello");
    spec.setAccess(access);
    app.setSpec(spec);
    return app;
  }

  /** Publishes a Ready token (replacing any of the same name) and returns its value. */
  private String token(String ns, String name, Role role, String selector, String expiresAt) {
    AiToken token = tokenResource(ns, name, role, selector, expiresAt);
    String value = TokenValue.generate();
    token.getStatus().setTokenHash(TokenValue.hash(value));
    index.putToken(token);
    return value;
  }

  private static AiToken tokenResource(
      String ns, String name, Role role, String selector, String expiresAt) {
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(role);
    spec.setLabelSelector(selector);
    spec.setExpiresAt(expiresAt);
    token.setSpec(spec);
    AiTokenStatus status = new AiTokenStatus();
    status.setPhase(TokenPhase.Ready);
    status.setExpiresAt(expiresAt);
    token.setStatus(status);
    return token;
  }
}
