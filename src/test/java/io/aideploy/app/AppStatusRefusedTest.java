package io.aideploy.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.secrets.TokenSecretReferences;
import io.aideploy.testing.TestOperator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status of an app refused for reading a token Secret. */
class AppStatusRefusedTest {
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  private static AiAppSpec spec() {
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("img");
    return spec;
  }

  @Test
  void aRefusedAppWhoseDeploymentWasDeletedHasNoReplicas() {
    AiApp app = new AiApp();
    app.getMetadata().setUid("0000-uid");
    app.getMetadata().setGeneration(2L);
    app.setSpec(spec());
    AiAppStatus previous = new AiAppStatus();
    previous.setReplicas(3);
    previous.setAvailableReplicas(3);
    app.setStatus(previous);
    AiAppStatus status =
        AppStatusCalculator.refused(
            app, TokenSecretReferences.REASON, "why", true, TestOperator.settings(), NOW);
    assertThat(status.getPhase()).isEqualTo(AppPhase.Failed);
    assertThat(status.getReplicas()).isZero();
    assertThat(status.getAvailableReplicas()).isZero();
    assertThat(app.getStatus().getReplicas()).isEqualTo(3);
  }

  @Test
  void aRefusedAppIsFailedWithTheReasonAndKeepsWhatItHadSeen() {
    AiApp app = new AiApp();
    app.getMetadata().setUid("0000-uid");
    app.getMetadata().setGeneration(4L);
    app.setSpec(spec());
    AiAppStatus previous = new AiAppStatus();
    previous.setPhase(AppPhase.Running);
    previous.setReplicas(2);
    previous.setAvailableReplicas(2);
    previous.setConditions(
        List.of(Condition.ready(true, "AllReplicasAvailable", "ok", 3L, null, NOW)));
    app.setStatus(previous);

    AiAppStatus status =
        AppStatusCalculator.refused(
            app, TokenSecretReferences.REASON, "why", TestOperator.settings(), NOW);

    assertThat(status).isNotSameAs(previous);
    assertThat(app.getStatus().getPhase())
        .as("the app's own status is untouched")
        .isEqualTo(AppPhase.Running);
    assertThat(status.getPhase()).isEqualTo(AppPhase.Failed);
    assertThat(status.getObservedGeneration()).isEqualTo(4L);
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getAppId()).isEqualTo("0000-uid");
    Condition ready = status.getConditions().get(0);
    assertThat(ready.getType()).isEqualTo(Condition.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("TokenSecretReferenced");
    assertThat(ready.getMessage()).isEqualTo("why");
    assertThat(ready.getObservedGeneration()).isEqualTo(4L);

    // Refused again for the same reason: the same status, so nothing is written or reported.
    app.setStatus(status);
    assertThat(
            AppStatusCalculator.refused(
                app,
                TokenSecretReferences.REASON,
                "why",
                TestOperator.settings(),
                NOW.plusSeconds(60)))
        .isEqualTo(status);
  }
}
