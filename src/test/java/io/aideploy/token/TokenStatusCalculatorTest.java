package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.TokenPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenStatusCalculatorTest {
  private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");

  private static AiToken token(String selector, String expiresAt) {
    AiToken token = new AiToken();
    token.getMetadata().setName("reader");
    token.getMetadata().setNamespace("team");
    token.getMetadata().setGeneration(3L);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setLabelSelector(selector);
    spec.setExpiresAt(expiresAt);
    token.setSpec(spec);
    return token;
  }

  private static AiApp app(String name, Map<String, String> labels) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace("team");
    app.getMetadata().setUid(name + "-uid");
    app.getMetadata().setLabels(labels);
    return app;
  }

  @Test
  void theValueFieldsComeFromTheSecretAndTheRestFromTheApps() {
    IssuedValue issued = IssuedValue.generate(NOW, "r2", null);
    List<AiApp> apps = List.of(app("a", Map.of("group", "A")), app("b", Map.of("group", "B")));

    AiTokenStatus status =
        TokenStatusCalculator.compute(token("group=A", null), issued, apps, List.of(), NOW);

    assertThat(status.getTokenHash()).isEqualTo(issued.hash());
    assertThat(status.getTokenPrefix()).isEqualTo(issued.prefix());
    assertThat(status.getIssuedAt()).isEqualTo("2027-03-01T12:00:00Z");
    assertThat(status.getRegenerateRequest()).isEqualTo("r2");
    assertThat(status.getSecretName()).isEqualTo("reader");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getMatchedApps()).isEqualTo(1);
    assertThat(status.getPhase()).isEqualTo(TokenPhase.Ready);
    assertThat(status.getConditions().get(0).getMessage()).isEqualTo("The token matches 1 app(s)");
  }

  @Test
  void expiredAtTheInstantItselfAndInvalidOnABadSelector() {
    IssuedValue issued = IssuedValue.generate(NOW, null, null);
    assertThat(
            TokenStatusCalculator.compute(
                    token(null, "2027-03-01T12:00:00Z"), issued, List.of(), List.of(), NOW)
                .getPhase())
        .isEqualTo(TokenPhase.Expired);
    AiTokenStatus invalid =
        TokenStatusCalculator.compute(
            token("group in (a", null), issued, List.of(), List.of(), NOW);
    assertThat(invalid.getPhase()).isEqualTo(TokenPhase.Invalid);
    assertThat(invalid.getMatchedApps()).isZero();
    assertThat(invalid.getConditions().get(0).getMessage()).contains("group in (a");
  }

  @Test
  void aHeldValueKeepsThePreviousFieldsAndIsNotReady() {
    AiToken token = token("group=A", null);
    AiTokenStatus previous = new AiTokenStatus();
    previous.setTokenHash("sha256:old");
    previous.setTokenPrefix("oldprefx");
    token.setStatus(previous);
    var holder = new IssueHold.Holder("Deployment", "reader-app", List.of("env TOKEN"));

    AiTokenStatus status =
        TokenStatusCalculator.compute(token, null, List.of(), List.of(holder), NOW);

    assertThat(status.getTokenHash()).isEqualTo("sha256:old");
    assertThat(status.getTokenPrefix()).isEqualTo("oldprefx");
    assertThat(status.getPhase()).isEqualTo(TokenPhase.Invalid);
    assertThat(status.getConditions().get(0).getReason()).isEqualTo(IssueHold.REASON);
  }
}
