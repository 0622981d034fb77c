package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.secrets.TokenSecretReferences;
import io.aideploy.token.IssueHold.Holder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IssueHoldTest {

  private static Deployment envDeployment(String name, String secret) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .addNewEnv()
        .withName("T")
        .withNewValueFrom()
        .withNewSecretKeyRef("token", secret, true)
        .endValueFrom()
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Deployment volumeDeployment(String name, String secret) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withDeletionTimestamp("2027-01-01T00:00:00Z")
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .endContainer()
        .addNewVolume()
        .withName("v")
        .withNewSecret()
        .withSecretName(secret)
        .endSecret()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static AiApp app(String name, String secret) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setGeneration(3L);
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("nginx");
    spec.setEnv(
        List.of(
            new EnvVarBuilder().withName("PLAIN").withValue("x").build(),
            new EnvVarBuilder()
                .withName("T")
                .withNewValueFrom()
                .withNewSecretKeyRef("token", secret, true)
                .endValueFrom()
                .build()));
    app.setSpec(spec);
    return app;
  }

  private static AiApp withReady(AiApp app, String status, String reason, Long generation) {
    AiAppStatus s = new AiAppStatus();
    s.setConditions(List.of(new Condition(Condition.READY, false, reason, "m", generation)));
    s.getConditions().get(0).setStatus(status);
    app.setStatus(s);
    return app;
  }

  @Test
  void nothingNamesTheSecret() {
    assertThat(IssueHold.holders("ops", List.of(), List.of())).isEmpty();
    assertThat(
            IssueHold.holders(
                "ops",
                List.of(envDeployment("web", "other"), new Deployment()),
                List.of(app("web", "other"), new AiApp())))
        .isEmpty();
  }

  @Test
  void aDeploymentNamingTheSecretAnywhereHoldsEvenWhileBeingDeleted() {
    List<Holder> holders =
        IssueHold.holders(
            "ops",
            List.of(volumeDeployment("zeta", "ops"), envDeployment("alpha", "ops")),
            List.of());
    assertThat(holders)
        .containsExactly(
            new Holder("Deployment", "alpha", List.of("container app env T")),
            new Holder("Deployment", "zeta", List.of("volume v")));
  }

  @Test
  void anAppNamingTheSecretHoldsUntilRefusedForItsCurrentGeneration() {
    Holder expected = new Holder("AiApp", "early", List.of("env T"));
    assertThat(IssueHold.holders("ops", List.of(), List.of(app("early", "ops"))))
        .containsExactly(expected);
    // Refused, but for an earlier generation: the current spec may not have been seen yet.
    assertThat(
            IssueHold.holders(
                "ops",
                List.of(),
                List.of(withReady(app("early", "ops"), "False", TokenSecretReferences.REASON, 2L))))
        .containsExactly(expected);
    // Failed for another reason: the workflow may still create its Deployment.
    assertThat(
            IssueHold.holders(
                "ops", List.of(), List.of(withReady(app("early", "ops"), "False", "Failed", 3L))))
        .containsExactly(expected);
    // Refused for this generation: no child is created or changed, so it holds nothing.
    assertThat(
            IssueHold.holders(
                "ops",
                List.of(),
                List.of(withReady(app("early", "ops"), "False", TokenSecretReferences.REASON, 3L))))
        .isEmpty();
  }

  @Test
  void theMessageNamesHoldersAndPlacesButNoValue() {
    List<Holder> holders =
        IssueHold.holders(
            "ops", List.of(envDeployment("early", "ops")), List.of(app("early", "ops")));
    String message = IssueHold.message("ops", holders);
    assertThat(message)
        .startsWith("No value is written to Secret ops while a Pod could read it at once: ")
        .contains("AiApp early (env T); Deployment early (container app env T) name it.")
        .contains("issued as soon as nothing names the Secret");
    assertThat(IssueHold.message("ops", holders.subList(0, 1)))
        .contains("AiApp early (env T) names it.");
  }

  @Test
  void aLongListIsCut() {
    List<Deployment> many = new ArrayList<>();
    for (int i = 0; i < IssueHold.NAMED + 3; i++) {
      many.add(envDeployment("d" + i, "ops"));
    }
    String message = IssueHold.message("ops", IssueHold.holders("ops", many, List.of()));
    assertThat(message)
        .contains("Deployment d4 (")
        .doesNotContain("Deployment d5")
        .contains("; and 3 more name it");
  }

  @Test
  void retriesSoonThenLessOften() {
    assertThat(IssueHold.retryAfter(Duration.ZERO)).isEqualTo(IssueHold.RETRY_SOON);
    assertThat(IssueHold.retryAfter(Duration.ofSeconds(59))).isEqualTo(IssueHold.RETRY_SOON);
    assertThat(IssueHold.retryAfter(Duration.ofMinutes(5))).isEqualTo(IssueHold.RETRY_LATER);
  }
}
