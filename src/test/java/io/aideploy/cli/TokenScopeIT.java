package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.testing.Helm;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an AiToken covers is never an accident, on the real API server: a misspelled or unparsable
 * selector is refused by the CRD, even applied with {@code kubectl --validate=false} or by the
 * fabric8 client (which does not validate); a missing one draws the chart's admission warning (a
 * refusal with {@code tokens.requireExplicitScope}); {@code labelSelector: ""} says "every app" on
 * purpose. The CLI says the same.
 */
@ExtendWith(LocalControlPlane.class)
class TokenScopeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String RELEASE = "scope";
  private static final String WARNING = "covers every AiApp of namespace";

  private static LocalControlPlane.Cluster cluster;
  private static KubernetesClient admin;
  private static TestOperator operator;
  private static List<HasMetadata> policy;
  private String namespace;

  @BeforeAll
  static void applyThePolicy(LocalControlPlane.Cluster localCluster, KubernetesClient client) {
    cluster = localCluster;
    admin = client;
    policy = applyPolicy(false);
    operator = TestOperator.start(admin);
  }

  @AfterAll
  static void removeThePolicy() {
    operator.close();
    policy.forEach(object -> admin.resource(object).delete());
  }

  @BeforeEach
  void namespace() {
    namespace = TestNamespaces.create(admin, "scope");
  }

  @Test
  void aMisspelledSelectorIsRefusedEvenWithoutClientValidation() throws IOException {
    CommandResult kubectl = apply("typo", "lableSelector: group=A", "--validate=false");
    assertThat(kubectl.exitCode()).as(kubectl.output()).isNotZero();
    // CEL cannot list unknown fields, so the message names the allowed ones.
    assertThat(kubectl.output())
        .contains("spec has a field that is not role, labelSelector, expiresAt or description");

    // fabric8 sends what it is given, with no field validation.
    GenericKubernetesResource typo = new GenericKubernetesResource();
    typo.setApiVersion("aideploy.io/v1alpha1");
    typo.setKind("AiToken");
    typo.setMetadata(new ObjectMetaBuilder().withName("typo").withNamespace(namespace).build());
    typo.setAdditionalProperty("spec", Map.of("role", "Reader", "lableSelector", "group=A"));
    assertThatThrownBy(() -> admin.resource(typo).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec has a field that is not role, labelSelector");
    assertThat(token("typo")).isNull();
  }

  @Test
  void anUnparsableSelectorIsRefused() throws IOException {
    CommandResult kubectl = apply("broken", "labelSelector: 'group in (a'", "--validate=false");
    assertThat(kubectl.exitCode()).as(kubectl.output()).isNotZero();
    assertThat(kubectl.output())
        .contains("labelSelector is not a kubectl label selector")
        .contains(AiTokenSpec.SELECTOR_SYNTAX_HINT);

    assertThatThrownBy(() -> admin.resource(aiToken("broken", "a=b=c")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(AiTokenSpec.SELECTOR_SYNTAX_HINT);
    assertThat(token("broken")).isNull();
  }

  @Test
  void aMissingSelectorIsAdmittedWithAWarningAndShownAsAllApps() throws IOException {
    CommandResult kubectl = apply("unscoped", "{}", "--validate=false");
    assertThat(kubectl.exitCode()).as(kubectl.output()).isZero();
    assertThat(kubectl.output()).contains("Warning:", WARNING + " " + namespace, "--all-apps");

    await()
        .atMost(WAIT)
        .until(
            () ->
                token("unscoped").getStatus() != null
                    && token("unscoped").getStatus().getPhase() == TokenPhase.Ready);
    CommandResult listed = cluster.kubectl("get", "aitokens", "-n", namespace);
    assertThat(listed.output()).contains("SELECTOR").contains(AiTokenSpec.ALL_APPS);
  }

  @Test
  void anEmptyOrAValidSelectorIsAdmittedSilently() throws IOException {
    CommandResult everything = apply("everything", "labelSelector: ''", "--validate=false");
    assertThat(everything.exitCode()).as(everything.output()).isZero();
    assertThat(everything.output()).doesNotContain("Warning");
    CommandResult scoped = apply("scoped", "labelSelector: group=A", "--validate=strict");
    assertThat(scoped.exitCode()).as(scoped.output()).isZero();
    assertThat(scoped.output()).doesNotContain("Warning");
  }

  @Test
  void theCliWarnsWithoutASelectorAndNotWithAllApps() {
    CliRun unscoped = cli("token", "create", "unscoped", "--role", "read");
    assertThat(unscoped.exitCode()).as(unscoped.err()).isZero();
    assertThat(unscoped.errLines().get(0))
        .startsWith("warning: token unscoped covers every app of namespace " + namespace)
        .contains("--all-apps");

    CliRun all = cli("token", "create", "all", "--role", "read", "--all-apps");
    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(all.err()).doesNotContain("warning");
    assertThat(token("all").getSpec().getLabelSelector()).isEmpty();

    CliRun both = cli("token", "create", "both", "--role", "read", "--all-apps", "-l", "a=b");
    assertThat(both.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(both.errLines()).hasSize(1);
  }

  @Test
  void requireExplicitScopeRefusesAMissingSelector() throws IOException {
    List<HasMetadata> strict = applyPolicy(true);
    try {
      CommandResult kubectl = apply("unscoped", "{}", "--validate=false");
      assertThat(kubectl.exitCode()).as(kubectl.output()).isNotZero();
      assertThat(kubectl.output()).contains(WARNING + " " + namespace);

      CliRun cli = cli("token", "create", "unscoped-cli", "--role", "read");
      assertThat(cli.exitCode()).isEqualTo(CliException.FAILED);
      assertThat(cli.errLines()).last().asString().contains(WARNING, "--all-apps");

      CliRun all = cli("token", "create", "all", "--role", "read", "--all-apps");
      assertThat(all.exitCode()).as(all.err()).isZero();
    } finally {
      strict.forEach(object -> admin.resource(object).delete());
      policy = applyPolicy(false);
    }
  }

  /**
   * Renders and applies the chart's scope policy, then waits until the API server enforces it (a
   * binding counts a moment after it exists): probes until an unscoped token draws its answer.
   */
  private static List<HasMetadata> applyPolicy(boolean requireExplicitScope) {
    Helm helm = Helm.required();
    CommandResult rendered =
        helm.run(
            "template",
            RELEASE,
            helm.chart().toString(),
            "--set",
            "tokens.requireExplicitScope=" + requireExplicitScope,
            "--show-only",
            "templates/token-scope-policy.yaml");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    List<HasMetadata> objects =
        admin
            .load(new ByteArrayInputStream(rendered.output().getBytes(StandardCharsets.UTF_8)))
            .items()
            .stream()
            .map(object -> admin.resource(object).forceConflicts().serverSideApply())
            .toList();
    String probes = TestNamespaces.create(admin, "scope-probe");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Path file = manifest(probes, "probe", "{}");
              CommandResult probe = cluster.kubectl("create", "-f", file.toString());
              Files.delete(file);
              cluster.kubectl("delete", "aitoken", "probe", "-n", probes, "--wait=false");
              return probe.output().contains(WARNING)
                  && (probe.exitCode() != 0) == requireExplicitScope;
            });
    return objects;
  }

  private CommandResult apply(String name, String spec, String validate) throws IOException {
    Path file = manifest(namespace, name, spec);
    try {
      return cluster.kubectl("apply", validate, "-f", file.toString());
    } finally {
      Files.delete(file);
    }
  }

  /** An AiToken manifest with role Reader and {@code fields} (YAML flow or one line) added. */
  private static Path manifest(String ns, String name, String fields) throws IOException {
    String spec = fields.equals("{}") ? "  role: Reader\n" : "  role: Reader\n  " + fields + "\n";
    String yaml =
        "apiVersion: aideploy.io/v1alpha1\nkind: AiToken\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + ns
            + "\nspec:\n"
            + spec;
    Path file = Files.createTempFile("aitoken", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private AiToken aiToken(String name, String selector) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(namespace);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector(selector);
    token.setSpec(spec);
    return token;
  }

  private AiToken token(String name) {
    return admin.resources(AiToken.class).inNamespace(namespace).withName(name).get();
  }

  private CliRun cli(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("-n", namespace, "--kubeconfig", cluster.kubeconfig().toString()));
    return CliRun.of(all);
  }
}
