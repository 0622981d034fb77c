package io.aideploy.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.secrets.TokenSecretReferences.Reference;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSecretReferencesTest {

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
}
