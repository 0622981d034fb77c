package io.aideploy.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.app.TokenSecretReferences.Reference;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSecretReferencesTest {
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  private static EnvVar fromSecret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fromConfigMap(String name, String configMap) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewConfigMapKeyRef()
        .withName(configMap)
        .withKey("k")
        .endConfigMapKeyRef()
        .endValueFrom()
        .build();
  }

  private static AiAppSpec spec(EnvVar... env) {
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("img");
    spec.setEnv(new ArrayList<>(Arrays.asList(env)));
    return spec;
  }

  @Test
  void findsOnlySecretKeyRefsInOrder() {
    AiAppSpec spec =
        spec(
            plain("A", "x"),
            fromSecret("B", "db", "password"),
            fromConfigMap("C", "settings"),
            fromSecret("D", "my-token", "token"),
            fromSecret("E", "db", "user"));
    assertThat(TokenSecretReferences.all(spec))
        .containsExactly(
            new Reference("B", "db"), new Reference("D", "my-token"), new Reference("E", "db"));
    assertThat(TokenSecretReferences.secretNames(spec)).containsExactly("db", "my-token");
  }

  @Test
  void noEnvMeansNoReference() {
    AiAppSpec spec = new AiAppSpec();
    assertThat(TokenSecretReferences.all(spec)).isEmpty();
    assertThat(TokenSecretReferences.all(null)).isEmpty();
    assertThat(TokenSecretReferences.toTokenSecrets(spec, s -> true)).isEmpty();
  }

  @Test
  void keepsOnlyReferencesToTokenSecretsWhateverTheKey() {
    AiAppSpec spec =
        spec(
            fromSecret("DB", "db", "password"),
            fromSecret("T", "my-token", "token"),
            // Another key of the same Secret is still that Secret: refused too.
            fromSecret("OTHER", "my-token", "other"));
    Set<String> tokens = Set.of("my-token");
    assertThat(TokenSecretReferences.toTokenSecrets(spec, tokens::contains))
        .containsExactly(new Reference("T", "my-token"), new Reference("OTHER", "my-token"));
    assertThat(TokenSecretReferences.toTokenSecrets(spec, s -> false)).isEmpty();
  }

  @Test
  void theMessageNamesVariablesAndSecrets() {
    assertThat(TokenSecretReferences.message(List.of(new Reference("T", "my-token"))))
        .startsWith("env T references Secret my-token: it holds an AiToken's value")
        .contains("no Deployment is created or changed");
    assertThat(
            TokenSecretReferences.message(
                List.of(new Reference("T", "a"), new Reference("U", "b"))))
        .startsWith("env T references Secret a; env U references Secret b: they hold");
    assertThat(TokenSecretReferences.message(List.of(new Reference("T", "my-token")), true))
        .startsWith("env T references Secret my-token: it holds an AiToken's value")
        .contains(TokenSecretReferences.DEPLOYMENT_DELETED)
        .endsWith(
            "Remove the reference to have it created again; until then no Deployment is"
                + " created.");
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
