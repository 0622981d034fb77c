package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md's way out when the operator is gone: its marked block, run as written, lets
 * the CRDs, the tokens (held by the operator's finalizer) and their Secrets go. On a control plane
 * of its own: the block acts on the whole cluster, and on the shared one it would meet the other
 * classes' objects (such as apps whose Pods, with no kubelet, never finish terminating).
 */
class UninstallWithoutOperatorIT {
  private static final String MARK = "uninstall-without-operator";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static KubernetesClient client;

  @Test
  void theDocumentedStepsUninstallWithTheOperatorStopped(@TempDir Path clusterDir)
      throws IOException {
    try (LocalControlPlane.Separate separate = LocalControlPlane.startSeparate(clusterDir);
        KubernetesClient own = separate.cluster().newClient()) {
      client = own;
      uninstallAsDocumented(separate.cluster());
    }
  }

  private void uninstallAsDocumented(LocalControlPlane.Cluster cluster) throws IOException {
    Path project = cluster.projectDir();
    List<DocBlock> blocks = DocBlock.marked(project, "docs/operations.md", MARK);
    assertThat(blocks).hasSize(1);

    List<String> namespaces =
        List.of(
            TestNamespaces.create(client, "uninstall"), TestNamespaces.create(client, "uninstall"));
    try (TestOperator operator = TestOperator.start(client)) {
      for (String ns : namespaces) {
        createToken(ns, "reader");
      }
      for (String ns : namespaces) {
        await()
            .atMost(WAIT)
            .until(() -> client.secrets().inNamespace(ns).withName("reader").get() != null);
      }
    }
    // The operator is stopped; its finalizer stays on the tokens.
    for (String ns : namespaces) {
      assertThat(token(ns).getMetadata().getFinalizers()).isNotEmpty();
    }

    CommandResult run =
        DocScript.run(
            project,
            DocScript.of("", blocks),
            Map.of(
                "KUBECONFIG",
                cluster.kubeconfig().toString(),
                "PATH",
                cluster.binDir() + ":" + System.getenv("PATH")));
    DocScript.assertSucceeded(run);
    assertThat(run.output())
        .contains("customresourcedefinition.apiextensions.k8s.io \"aitokens.aideploy.io\" deleted");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .apiextensions()
                          .v1()
                          .customResourceDefinitions()
                          .withName("aitokens.aideploy.io")
                          .get())
                  .isNull();
              for (String ns : namespaces) {
                assertThat(client.secrets().inNamespace(ns).withName("reader").get()).isNull();
              }
            });
  }

  private static void createToken(String ns, String name) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(ns);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=A");
    token.setSpec(spec);
    client.resource(token).create();
  }

  private static AiToken token(String ns) {
    return client.resources(AiToken.class).inNamespace(ns).withName("reader").get();
  }
}
