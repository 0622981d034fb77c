package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.crypto.TokenValue;
import io.aideploy.token.TokenRotation.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenRotationTest {
  private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
  private final TokenRotation rotation = new TokenRotation(Clock.fixed(NOW, ZoneOffset.UTC));
  private final String value = TokenValue.generate();

  private AiToken token(String hash, String handledRequest, String annotation, String expiresAt) {
    AiToken token = new AiToken();
    token.setSpec(new AiTokenSpec());
    token.getSpec().setExpiresAt(expiresAt);
    if (annotation != null) {
      token.getMetadata().setAnnotations(Map.of(AiToken.REGENERATE_ANNOTATION, annotation));
    }
    if (hash != null) {
      AiTokenStatus status = new AiTokenStatus();
      status.setTokenHash(hash);
      status.setRegenerateRequest(handledRequest);
      token.setStatus(status);
    }
    return token;
  }

  /** What a Secret written by the operator holds, answering {@code answers}. */
  private IssuedValue secretHolding(String value, String answers) {
    return new IssuedValue(
        value, TokenValue.hash(value), "2027-03-01T11:00:00Z", answers, null, true);
  }

  @Test
  void issuesOnceAndKeepsTheValueOtherwise() {
    assertThat(rotation.decide(token(null, null, null, null), null)).isEqualTo(Reason.FIRST_ISSUE);
    assertThat(
            rotation.decide(
                token(TokenValue.hash(value), null, null, null), secretHolding(value, null)))
        .isEqualTo(Reason.NONE);
  }

  @Test
  void theSecretNotTheStatusSaysWhatWasIssued() {
    // The status write after the Secret write failed: the status knows nothing yet, or an older
    // value and request. The Secret's own description decides; no second value.
    assertThat(rotation.decide(token(null, null, "x", null), secretHolding(value, "x")))
        .isEqualTo(Reason.NONE);
    String older = TokenValue.hash(TokenValue.generate());
    assertThat(rotation.decide(token(older, "1", "2", null), secretHolding(value, "2")))
        .isEqualTo(Reason.NONE);
  }

  @Test
  void regeneratesOnlyOnARequestTheSecretDoesNotAnswer() {
    String hash = TokenValue.hash(value);
    assertThat(rotation.decide(token(hash, null, "1", null), secretHolding(value, null)))
        .isEqualTo(Reason.REGENERATE_REQUESTED);
    assertThat(rotation.decide(token(hash, "1", "1", null), secretHolding(value, "1")))
        .isEqualTo(Reason.NONE);
    assertThat(rotation.decide(token(hash, "1", "2", null), secretHolding(value, "1")))
        .isEqualTo(Reason.REGENERATE_REQUESTED);
  }

  @Test
  void regeneratesWhenTheSecretLostTheValue() {
    String hash = TokenValue.hash(value);
    assertThat(rotation.decide(token(hash, null, null, null), null))
        .isEqualTo(Reason.SECRET_MISSING);
    // A value written by someone else does not match the Secret's description of it...
    IssuedValue replaced =
        new IssuedValue(TokenValue.generate(), hash, "2027-03-01T11:00:00Z", null, null, true);
    assertThat(rotation.decide(token(hash, null, null, null), replaced))
        .isEqualTo(Reason.SECRET_CHANGED);
    // ...nor does a Secret that describes nothing.
    IssuedValue undescribed = new IssuedValue("garbage", null, null, null, null, true);
    assertThat(rotation.decide(token(hash, null, null, null), undescribed))
        .isEqualTo(Reason.SECRET_CHANGED);
    assertThat(rotation.decide(token(null, null, null, null), undescribed))
        .isEqualTo(Reason.FIRST_ISSUE);
  }

  @Test
  void expiryIsJudgedWithTheInjectedClock() {
    assertThat(rotation.isExpired(token(null, null, null, null))).isFalse();
    assertThat(rotation.isExpired(token(null, null, null, "2027-03-01T12:00:01Z"))).isFalse();
    assertThat(rotation.isExpired(token(null, null, null, "2027-03-01T12:00:00Z"))).isTrue();
    assertThat(rotation.isExpired(token(null, null, null, "2027-03-01t13:00:00+02:00"))).isTrue();
    assertThat(rotation.untilExpiry(token(null, null, null, "2027-03-01T12:00:30Z")))
        .contains(Duration.ofSeconds(30));
    assertThat(rotation.untilExpiry(token(null, null, null, "2027-03-01T11:00:00Z"))).isEmpty();
  }

  @Test
  void aLeapSecondPassesTheSchemaButIsRefusedHere() {
    assertThatThrownBy(() -> TokenRotation.expiry(token(null, null, null, "2027-03-01T12:00:60Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.expiresAt");
  }
}
