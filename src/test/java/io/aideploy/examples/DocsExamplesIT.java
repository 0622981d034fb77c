package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.AideployProcess;
import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples of the README and of {@code docs/} run as written (docs/testing.md has the
 * inventory).
 *
 * <p>The README's local walk-through: every block marked {@code <!-- docs-test: readme -->} goes,
 * in order, into one bash, which starts its own fresh control plane with {@code
 * scripts/local-cluster up} (as a newcomer would), runs aideploy, the kubectl and CLI commands, and
 * stops it all. Only the gateway and management ports are changed, to free ones, so that the test
 * does not depend on 8080 being free on this machine, and the control plane's directory, so that it
 * does not meet another checkout's.
 *
 * <p>Every other page: its blocks marked {@code <!-- docs-test: run -->}, in order, in one bash,
 * against a control plane of this class's own with aideploy ({@code all}) running, as the pages
 * assume. Each page gets a fresh namespace as its kube context's namespace, and the reader's tools
 * on its {@code PATH}: the project's {@code bin/} (aideploy, as docs/cli.md installs it), kubectl
 * and helm.
 */
class DocsExamplesIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Path project = LocalControlPlane.projectDir();

  /** The control plane and aideploy of the pages, started by the first page. */
  private static PagesCluster pages;

  @Test
  void theReadmeWalkThroughRunsTopToBottom() throws IOException {
    List<DocBlock> blocks = DocBlock.marked(project, "README.md", "readme");
    assertThat(blocks).as("marked blocks in README.md").hasSizeGreaterThanOrEqualTo(3);

    int gatewayPort = FreePorts.pick();
    int managementPort = FreePorts.pick();
    // Whatever fails, nothing the blocks started outlives the test.
    String script =
        DocScript.of(
                "trap 'kill $(jobs -p) 2>/dev/null || true; scripts/local-cluster down || true'"
                    + " EXIT",
                blocks)
            .replace("127.0.0.1:8080", "127.0.0.1:" + gatewayPort)
            .replace("18081", Integer.toString(managementPort));
    Path clusterDir = Files.createTempDirectory("docs-examples-cluster");
    // The README names the default directory, which every checkout on this machine shares.
    script = script.replace("/tmp/aideploy-local-cluster", clusterDir.toString());
    try {
      CommandResult run =
          DocScript.run(
              project,
              script,
              Map.of(
                  "AIDEPLOY_CLUSTER_DIR", clusterDir.toString(),
                  "AIDEPLOY_GATEWAY_PORT", Integer.toString(gatewayPort),
                  "KUBECONFIG", "/nonexistent/set-by-the-readme"));
      DocScript.assertSucceeded(run);
      assertThat(run.output())
          .as(run.output())
          .contains("HTTP/1.1 200")
          // set -x traced the last command of the last block: nothing was cut short.
          .contains("+ kill %1")
          .contains("aitoken.aideploy.io/reader-token condition met");
    } finally {
      deleteTree(clusterDir);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pagesWithRunBlocks")
  void thePageRunsTopToBottom(String page) throws IOException {
    PagesCluster cluster = pagesCluster();
    String name = Path.of(page).getFileName().toString().replace(".md", "");
    String namespace = TestNamespaces.create(cluster.client(), "docs-" + name);
    Path home = Files.createTempDirectory("docs-" + name);
    try {
      Path kubeconfig = home.resolve("kubeconfig");
      Files.copy(cluster.kubeconfig(), kubeconfig);
      CommandResult context =
          CommandResult.run(
              project,
              List.of(
                  cluster.binDir().resolve("kubectl").toString(),
                  "config",
                  "set-context",
                  "--current",
                  "--namespace=" + namespace),
              Map.of("KUBECONFIG", kubeconfig.toString()));
      assertThat(context.exitCode()).as(context.output()).isZero();

      String script = DocScript.of("", DocBlock.marked(project, page, DocBlock.RUN));
      CommandResult run =
          DocScript.run(
              project,
              script,
              Map.of(
                  "KUBECONFIG",
                  kubeconfig.toString(),
                  "PATH",
                  project.resolve("bin") + ":" + cluster.binDir() + ":" + System.getenv("PATH"),
                  "KUBECACHEDIR",
                  home.resolve("kube-cache").toString(),
                  "HELM_CONFIG_HOME",
                  home.resolve("helm/config").toString(),
                  "HELM_CACHE_HOME",
                  home.resolve("helm/cache").toString(),
                  "HELM_DATA_HOME",
                  home.resolve("helm/data").toString()));
      DocScript.assertSucceeded(run);
    } finally {
      deleteTree(home);
    }
  }

  static Stream<String> pagesWithRunBlocks() {
    return DocBlock.pages(project).stream()
        .filter(page -> !DocBlock.marked(project, page, DocBlock.RUN).isEmpty());
  }

  @AfterAll
  static void stopPagesCluster() {
    if (pages != null) {
      pages.close();
    }
  }

  private static synchronized PagesCluster pagesCluster() throws IOException {
    if (pages == null) {
      pages = PagesCluster.start();
    }
    return pages;
  }

  /** A control plane of its own (pages install the chart, cluster-wide) with aideploy running. */
  private record PagesCluster(
      Path dir,
      LocalControlPlane.Separate controlPlane,
      KubernetesClient client,
      AideployProcess aideploy)
      implements AutoCloseable {

    static PagesCluster start() throws IOException {
      Path dir = Files.createTempDirectory("docs-pages-cluster");
      LocalControlPlane.Separate controlPlane = LocalControlPlane.startSeparate(dir);
      KubernetesClient client = controlPlane.cluster().newClient();
      int managementPort = FreePorts.pick();
      AideployProcess aideploy =
          AideployProcess.start(
              project,
              controlPlane.cluster().kubeconfig(),
              Map.of(),
              dir.resolve("aideploy.log"),
              "all",
              "--base-domain=apps.example.test",
              "--gateway-port=" + FreePorts.pick(),
              "--management-port=" + managementPort);
      PagesCluster started = new PagesCluster(dir, controlPlane, client, aideploy);
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz"))
                .build();
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .failFast("aideploy exited", () -> !aideploy.isAlive())
            .until(
                () -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      } catch (RuntimeException | Error e) {
        started.close();
        throw e;
      }
      return started;
    }

    Path kubeconfig() {
      return controlPlane.cluster().kubeconfig();
    }

    Path binDir() {
      return controlPlane.cluster().binDir();
    }

    @Override
    public void close() {
      try {
        aideploy.close();
      } finally {
        client.close();
        controlPlane.close();
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
