package io.aideploy.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppStatusCalculatorTest {
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  private static AiApp app(AppState state) {
    AiApp app = new AiApp();
    app.getMetadata().setUid("0000-uid");
    app.getMetadata().setGeneration(3L);
    app.setSpec(new AiAppSpec());
    app.getSpec().setState(state);
    return app;
  }

  private static Deployment deployment(int desired, int current, int updated, int available) {
    return new DeploymentBuilder()
        .withNewSpec()
        .withReplicas(desired)
        .endSpec()
        .withNewStatus()
        .withReplicas(current)
        .withUpdatedReplicas(updated)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  @ParameterizedTest(name = "{0}: desired {1}, current {2}, updated {3}, available {4} -> {5}")
  @CsvSource({
    "Running, 1, 1, 1, 0, Initializing",
    "Running, 1, 1, 1, 1, Running",
    "Running, 3, 3, 3, 3, Running",
    "Running, 3, 1, 1, 1, Scaling",
    "Running, 1, 2, 1, 1, Scaling",
    "Running, 2, 2, 1, 2, Scaling",
    "Stopped, 0, 2, 0, 2, Stopping",
    "Stopped, 0, 0, 0, 0, Stopped",
    "Running, 0, 0, 0, 0, Stopped",
  })
  void phaseFromTheDeployment(
      AppState state, int desired, int current, int updated, int available, AppPhase phase) {
    AiAppStatus status =
        AppStatusCalculator.compute(
            app(state),
            deployment(desired, current, updated, available),
            List.of(),
            TestOperator.settings(),
            NOW);
    assertThat(status.getPhase()).isEqualTo(phase);
    assertThat(status.getConditions().get(0).getStatus())
        .isEqualTo(phase == AppPhase.Running ? "True" : "False");
  }

  @Test
  void queuedBeforeTheDeploymentExists() {
    AiAppStatus status =
        AppStatusCalculator.compute(
            app(AppState.Running), null, List.of(), TestOperator.settings(), NOW);
    assertThat(status.getPhase()).isEqualTo(AppPhase.Queued);
    assertThat(status.getAppId()).isEqualTo("0000-uid");
    assertThat(status.getUrl()).isEqualTo("https://0000-uid.apps.test.local/");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void failedWhenAPodCannotPullItsImage() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("app")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("no such image")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    AiAppStatus status =
        AppStatusCalculator.compute(
            app(AppState.Running),
            deployment(1, 1, 1, 0),
            List.of(pod),
            TestOperator.settings(),
            NOW);
    assertThat(status.getPhase()).isEqualTo(AppPhase.Failed);
    assertThat(status.getConditions().get(0).getMessage())
        .isEqualTo("Container app is in ImagePullBackOff: no such image");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenReadinessFlips() {
    AiApp app = app(AppState.Running);
    AiAppStatus first =
        AppStatusCalculator.compute(
            app, deployment(2, 2, 2, 2), List.of(), TestOperator.settings(), NOW);
    app.setStatus(first);
    AiAppStatus same =
        AppStatusCalculator.compute(
            app, deployment(2, 2, 2, 2), List.of(), TestOperator.settings(), NOW.plusSeconds(60));
    assertThat(same).isEqualTo(first);
    AiAppStatus flipped =
        AppStatusCalculator.compute(
            app, deployment(2, 2, 2, 0), List.of(), TestOperator.settings(), NOW.plusSeconds(60));
    assertThat(flipped.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2027-01-01T00:01:00Z");
  }
}
