package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unknown names give one line and exit code 1, on the Kubernetes API (the CRUD mock server, with
 * the namespace taken from the kube context) and on a stand-in for the gateway's lifecycle API.
 */
@EnableKubernetesMockClient(crud = true)
class CliNotFoundTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path dir;
  private String kubeconfig;
  private HttpServer gateway;

  @BeforeEach
  void kubeconfig() throws IOException {
    String url = server.url("/").replaceAll("/$", "");
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
        users: [{name: me, user: {}}]
        contexts: [{name: mock, context: {cluster: mock, user: me, namespace: team}}]
        current-context: mock
        """
            .formatted(url));
    kubeconfig = file.toString();
    // The CLI tells a missing namespace from an empty one.
    for (String namespace : List.of("team", "other")) {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .endMetadata()
                  .build())
          .createOr(existing -> existing.update());
    }
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.stop(0);
    }
  }

  private CliRun kube(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig));
    return CliRun.of(all);
  }

  @Test
  void unknownAppsAndTokensAreOneLineNotFound() {
    for (String[] args :
        new String[][] {
          {"app", "get", "nope"},
          {"app", "url", "nope"},
          {"app", "stop", "nope"},
          {"app", "start", "0b7d3c7e-1f7e-4bd3-9d0a-6b1f4ac1b1a1"},
          {"app", "delete", "nope", "--yes"},
          {"app", "set-label", "nope", "group", "A"},
          {"token", "regenerate", "nope"},
          {"token", "delete", "nope"}
        }) {
      CliRun run = kube(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(1);
      assertThat(run.errLines()).as(String.join(" ", args)).hasSize(1);
      assertThat(run.err())
          .startsWith("error: ")
          .contains(args[2])
          .contains("namespace team")
          .contains(" ls -n team");
    }
  }

  @Test
  void theNamespaceComesFromTheContextUnlessGiven() {
    createApp("team", "hello");
    createApp("other", "world");
    CliRun team = kube("app", "ls");
    assertThat(team.exitCode()).as(team.err()).isZero();
    assertThat(team.out()).contains("hello", "group=A").doesNotContain("world");
    CliRun other = kube("app", "ls", "-n", "other");
    assertThat(other.out()).contains("world").doesNotContain("hello");
    CliRun empty = kube("token", "ls");
    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).isEmpty();
    assertThat(empty.err()).contains("No tokens in namespace team");
  }

  @Test
  void unknownAppsThroughTheGatewayAndRefusedTokens() throws IOException {
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/v1/apps",
        exchange -> {
          boolean good =
              "Bearer aid_good".equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (good ? "{\"items\":[]}" : "{\"message\":\"a valid bearer token is required\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(good ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    gateway.start();
    String url = "http://127.0.0.1:" + gateway.getAddress().getPort();

    String good = Files.writeString(dir.resolve("good"), "aid_good\n").toString();
    String bad = Files.writeString(dir.resolve("bad"), "aid_bad").toString();

    CliRun missing =
        CliRun.of("app", "get", "hello", "--url", url, "--insecure", "--token-file", good);
    assertThat(missing.exitCode()).isEqualTo(CliException.NOT_FOUND);
    assertThat(missing.errLines())
        .singleElement()
        .asString()
        .contains("among the apps this token can see");

    CliRun refused = CliRun.of("app", "ls", "--url", url, "--insecure", "--token-file", bad);
    assertThat(refused.exitCode()).isEqualTo(CliException.REFUSED);
    assertThat(refused.errLines()).singleElement().asString().contains("refused the token");

    CliRun fromStdin = withStdin("aid_good\n", "app", "ls", "--url", url, "--insecure");
    assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();

    // A wrong path or port: something answers 404 without the gateway's JSON.
    CliRun wrongPath =
        CliRun.of("app", "ls", "--url", url + "/api", "--insecure", "--token-file", good);
    assertThat(wrongPath.exitCode()).isEqualTo(CliException.UNAVAILABLE);
    assertThat(wrongPath.errLines())
        .singleElement()
        .asString()
        .isEqualTo(
            "error: "
                + url
                + "/api/v1/apps answered HTTP 404, so "
                + url
                + "/api is not an aideploy gateway; check --url or AIDEPLOY_URL: the gateway's"
                + " base URL, e.g. https://login.<base domain>, with no path");

    gateway.stop(0);
    gateway = null;
    CliRun down = CliRun.of("app", "ls", "--url", url, "--insecure", "--token-file", good);
    assertThat(down.exitCode()).isEqualTo(CliException.UNAVAILABLE);
    assertThat(down.errLines()).singleElement().asString().contains("cannot reach the gateway");
  }

  /** The CLI with {@code --token-file -} and {@code input} on standard input. */
  private static CliRun withStdin(String input, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--token-file", "-"));
      return CliRun.of(all);
    } finally {
      System.setIn(saved);
    }
  }

  private static void createApp(String namespace, String name) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of("group", "A"))
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    app.setSpec(spec);
    client.resource(app).create();
  }
}
