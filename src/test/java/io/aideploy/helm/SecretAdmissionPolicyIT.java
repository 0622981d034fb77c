package io.aideploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.config.Settings;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.testing.Helm;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's ValidatingAdmissionPolicy on the real API server: rendered by helm, applied alone
 * (with the operator's RBAC), then exercised as the operator's ServiceAccount by impersonation.
 */
@ExtendWith(LocalControlPlane.class)
class SecretAdmissionPolicyIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String RELEASE = "vap";
  private static final String OPERATOR = RELEASE + "-aideploy-operator";
  private static final String POLICY_MESSAGE =
      "the aideploy operator may only write Secrets of type aideploy.io/token owned by an AiToken";

  private static KubernetesClient admin;
  private static KubernetesClient asOperator;
  private static String releaseNamespace;
  private static final List<HasMetadata> applied = new ArrayList<>();
  private String namespace;

  @BeforeAll
  static void applyThePolicy(LocalControlPlane.Cluster cluster, KubernetesClient client)
      throws IOException {
    Helm helm = Helm.required();
    admin = client;
    releaseNamespace = TestNamespaces.create(admin, "vap-release");
    CommandResult rendered =
        helm.run(
            "template",
            RELEASE,
            helm.chart().toString(),
            "-n",
            releaseNamespace,
            "--show-only",
            "templates/secret-admission-policy.yaml");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    for (String document : Rendered.parse(rendered.output()).documents()) {
      HasMetadata object = admin.getKubernetesSerialization().unmarshal(document);
      applied.add(admin.resource(object).forceConflicts().serverSideApply());
    }
    assertThat(applied)
        .extracting(HasMetadata::getKind)
        .containsExactly("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");

    Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    config.setImpersonateUsername("system:serviceaccount:" + releaseNamespace + ":" + OPERATOR);
    asOperator = new KubernetesClientBuilder().withConfig(config).build();

    // Enforcement starts a moment after the binding exists: probe until the refusal shows, so
    // that no test runs before it.
    String probes = TestNamespaces.create(admin, "vap-probe");
    grantOperatorRights(probes);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              try {
                asOperator.resource(opaque(probes, "probe")).create();
                admin.resource(opaque(probes, "probe")).delete();
                return false;
              } catch (KubernetesClientException e) {
                return e.getMessage().contains(POLICY_MESSAGE);
              }
            });
  }

  @AfterAll
  static void removeThePolicy() {
    if (asOperator != null) {
      asOperator.close();
    }
    for (HasMetadata object : applied) {
      admin.resource(object).delete();
    }
  }

  @BeforeEach
  void namespaceWithTheOperatorsRbac() {
    namespace = TestNamespaces.create(admin, "vap");
    grantOperatorRights(namespace);
    // A new RoleBinding takes a moment to count: until it does, RBAC (not the policy) refuses.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(() -> asOperator.secrets().inNamespace(namespace).list() != null);
  }

  /**
   * Applies the chart's namespaced RBAC of the operator for {@code ns}: the policy, not RBAC, must
   * be what refuses.
   */
  private static void grantOperatorRights(String ns) {
    Helm helm = Helm.required();
    CommandResult rbac =
        helm.run(
            "template",
            RELEASE,
            helm.chart().toString(),
            "-n",
            releaseNamespace,
            "--set",
            "settings.watchNamespaces={" + ns + "}",
            "--set",
            "operator.leaderElection=false",
            "--show-only",
            "templates/rbac-operator.yaml");
    assertThat(rbac.exitCode()).as(rbac.output()).isZero();
    for (String document : Rendered.parse(rbac.output()).documents()) {
      admin.resource((HasMetadata) admin.getKubernetesSerialization().unmarshal(document)).create();
    }
  }

  @Test
  void theOperatorMayWriteOnlyTokenSecretsOwnedByAnAiToken() {
    // A plain Secret: refused, with the policy's message.
    assertThatThrownBy(() -> asOperator.resource(opaque("plain")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(POLICY_MESSAGE)
        .hasMessageContaining("CREATE of Secret " + namespace + "/plain refused");
    // Of the token type but owned by no AiToken: refused too.
    Secret unowned = tokenSecret("unowned", null);
    assertThatThrownBy(() -> asOperator.resource(unowned).create())
        .hasMessageContaining(POLICY_MESSAGE);

    // Owned by an AiToken: created, updated and deleted.
    AiToken token = createToken("owner");
    Secret owned = asOperator.resource(tokenSecret("owner", token)).create();
    owned.getMetadata().getLabels().put("extra", "yes");
    asOperator.resource(owned).update();
    assertThat(asOperator.resource(owned).delete()).isNotEmpty();
    await().atMost(WAIT).until(() -> admin.resource(owned).get() == null);

    // Someone else's Secret: neither changed nor deleted.
    Secret foreign = admin.resource(opaque("foreign")).create();
    foreign.getMetadata().setLabels(Map.of("changed", "yes"));
    assertThatThrownBy(() -> asOperator.resource(foreign).update())
        .hasMessageContaining(POLICY_MESSAGE)
        .hasMessageContaining("UPDATE of Secret " + namespace + "/foreign refused");
    assertThatThrownBy(() -> asOperator.resource(foreign).delete())
        .hasMessageContaining(POLICY_MESSAGE)
        .hasMessageContaining("DELETE of Secret " + namespace + "/foreign refused");
    assertThat(admin.resource(foreign).get()).isNotNull();

    // A token Secret without owner: deleted only when it bears the operator's labels, as one
    // does after its AiToken was deleted with --cascade=orphan.
    Secret orphan = tokenSecret("orphan", null);
    orphan
        .getMetadata()
        .setLabels(
            Map.of(
                ReservedLabels.MANAGED_BY,
                ReservedLabels.MANAGER,
                TokenSecrets.TOKEN_LABEL,
                "orphan"));
    Secret stray = tokenSecret("stray", null);
    stray.getMetadata().setLabels(Map.of());
    admin.resource(orphan).create();
    admin.resource(stray).create();
    assertThatThrownBy(() -> asOperator.resource(stray).delete())
        .hasMessageContaining("DELETE of Secret " + namespace + "/stray refused");
    assertThat(asOperator.resource(orphan).delete()).isNotEmpty();
  }

  @Test
  void theOperatorStillIssuesAndDeletesTokenSecretsUnderThePolicy() {
    // Watching only this namespace, where the chart's namespaced RBAC grants the operator's rights.
    Settings watching = TestOperator.settingsWatching(namespace);
    try (TestOperator operator = TestOperator.start(asOperator, watching)) {
      AiToken token = createToken("issued");
      await().atMost(WAIT).until(() -> secret("issued") != null);
      assertThat(TokenSecrets.value(secret("issued"))).isNotNull();

      admin.resource(token).delete();
      await().atMost(WAIT).until(() -> secret("issued") == null);

      // Orphaning delete: the owner reference is gone before the operator deletes the Secret.
      AiToken orphaned = createToken("orphaned");
      await().atMost(WAIT).until(() -> secret("orphaned") != null);
      admin.resource(orphaned).withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
      await().atMost(WAIT).until(() -> secret("orphaned") == null);
    }
  }

  private Secret secret(String name) {
    return admin.secrets().inNamespace(namespace).withName(name).get();
  }

  private Secret opaque(String name) {
    return opaque(namespace, name);
  }

  private static Secret opaque(String ns, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withType("Opaque")
        .addToStringData("k", "v")
        .build();
  }

  /** A token-type Secret, owned by {@code owner} unless it is null. */
  private Secret tokenSecret(String name, AiToken owner) {
    var builder =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(Map.of(ReservedLabels.MANAGED_BY, ReservedLabels.MANAGER))
            .endMetadata()
            .withType(TokenSecrets.TYPE)
            .addToStringData(TokenSecrets.KEY, "not-a-real-token");
    if (owner != null) {
      builder
          .editMetadata()
          .addNewOwnerReference()
          .withApiVersion(owner.getApiVersion())
          .withKind(owner.getKind())
          .withName(owner.getMetadata().getName())
          .withUid(owner.getMetadata().getUid())
          .endOwnerReference()
          .endMetadata();
    }
    return builder.build();
  }

  private AiToken createToken(String name) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(namespace);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=A");
    token.setSpec(spec);
    return admin.resource(token).create();
  }
}
