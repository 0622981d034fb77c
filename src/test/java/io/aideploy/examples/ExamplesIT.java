package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every file in {@code examples/} is accepted by a real API server, as the docs tell users. */
@ExtendWith(LocalControlPlane.class)
class ExamplesIT {
  private static final String PLACEHOLDER_UID = "00000000-0000-0000-0000-000000000000";

  @Test
  void everyExampleSaysWhatItShowsAndIsAccepted(
      LocalControlPlane.Cluster cluster, KubernetesClient client) throws IOException {
    Path examples = cluster.projectDir().resolve("examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    for (Path file : files) {
      assertThat(Files.readAllLines(file).get(0))
          .as(file + " starts with a comment")
          .matches("# .{10,}");
    }

    String ns = TestNamespaces.create(client, "examples");
    CommandResult dryRun =
        cluster.kubectl("apply", "--dry-run=server", "-n", ns, "-f", examples.toString());
    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
    assertThat(dryRun.output().lines()).hasSize(files.size());

    CommandResult applied = cluster.kubectl("apply", "-n", ns, "-f", examples.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output())
        .contains(
            "aiapp.aideploy.io/hello-world created",
            "aiapp.aideploy.io/public-hello-world created",
            "aitoken.aideploy.io/reader-token created",
            "aitoken.aideploy.io/operator-token created",
            "aitoken.aideploy.io/hello-world-only created");
    AiApp hello = client.resources(AiApp.class).inNamespace(ns).withName("hello-world").get();
    assertThat(hello.getMetadata().getLabels()).containsEntry("group", "A");
    assertThat(hello.getSpec().getImage()).isEqualTo("ovhcom/ai-deploy-hello-world");

    // The app-scoped token, with the uid filled in as its comment explains.
    String uid =
        cluster
            .kubectl("get", "aiapp", "hello-world", "-n", ns, "-o", "jsonpath={.metadata.uid}")
            .output()
            .strip();
    Path scoped = Files.createTempFile("app-scoped-token", ".yaml");
    Files.writeString(
        scoped,
        Files.readString(examples.resolve("app-scoped-token.yaml")).replace(PLACEHOLDER_UID, uid));
    CommandResult filled = cluster.kubectl("apply", "-n", ns, "-f", scoped.toString());
    assertThat(filled.exitCode()).as(filled.output()).isZero();
    assertThat(
            cluster
                .kubectl(
                    "get",
                    "aitoken",
                    "hello-world-only",
                    "-n",
                    ns,
                    "-o",
                    "jsonpath={.spec.labelSelector}")
                .output())
        .isEqualTo("ovh/id=" + uid);

    // Leave nothing behind for the operators that later tests start on this control plane.
    CommandResult deleted =
        cluster.kubectl("delete", "-n", ns, "-f", examples.toString(), "--wait=false");
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
  }
}
