package io.aideploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.crypto.TokenValue;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged {@code java -jar target/aideploy.jar operator}, driven only with kubectl and HTTP,
 * as a user would.
 */
@ExtendWith(LocalControlPlane.class)
class OperatorCommandIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient http = HttpClient.newHttpClient();
  private static Process operator;
  private static int managementPort;
  private static Path log;

  @BeforeAll
  static void startOperator(LocalControlPlane.Cluster cluster) throws IOException {
    managementPort = FreePorts.pick();
    log = Files.createTempFile("operator", ".log");
    operator = start(cluster, log, "operator", "--management-port=" + managementPort);
  }

  /** Starts {@code java -jar target/aideploy.jar ARGS} against the local control plane. */
  static Process start(LocalControlPlane.Cluster cluster, Path log, String... args) {
    return AideployProcess.start(
            cluster.projectDir(),
            cluster.kubeconfig(),
            Map.of("AIDEPLOY_BASE_DOMAIN", "apps.cmd.test"),
            log,
            args)
        .process();
  }

  @AfterAll
  static void stopOperator() throws Exception {
    if (operator == null) {
      return;
    }
    stop(operator);
  }

  @Test
  void servesTheManagementPortAndReconcilesWhatKubectlApplies(
      LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    await().atMost(WAIT).ignoreExceptions().until(() -> get("/readyz") == 200);
    assertThat(get("/healthz")).isEqualTo(200);
    assertThat(get("/nope")).isEqualTo(404);

    String namespace = TestNamespaces.create(client, "cmd");
    Path manifests = Files.createTempFile("manifests", ".yaml");
    Files.writeString(
        manifests,
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: hello, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world}
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: reader-token}
        spec: {role: Reader, labelSelector: group=A}
        """);
    CommandResult applied = cluster.kubectl("apply", "-n", namespace, "-f", manifests.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .kubectl(
                                "get", "deployment,service,ingress", "-n", namespace, "-o", "name")
                            .output())
                    .contains(
                        "deployment.apps/hello",
                        "service/hello",
                        "ingress.networking.k8s.io/hello"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .kubectl(
                                "get",
                                "aiapp",
                                "hello",
                                "-n",
                                namespace,
                                "-o",
                                "jsonpath={.status.url}")
                            .output())
                    .matches("https://[0-9a-f-]{36}\\.apps\\.cmd\\.test/"));

    // As the README says: read the value from the Secret with kubectl.
    String value =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    cluster
                        .kubectl(
                            "get",
                            "secret",
                            "reader-token",
                            "-n",
                            namespace,
                            "-o",
                            "jsonpath={.data.token}")
                        .output()
                        .strip(),
                encoded -> !encoded.isEmpty() && !encoded.contains("NotFound"));
    String token = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    assertThat(TokenValue.isWellFormed(token)).isTrue();

    String metrics = body("/metrics");
    assertThat(metrics).contains("operator_sdk_reconciliations", "jvm_memory_used_bytes");
    assertThat(Files.readString(log)).contains("operator started").doesNotContain(token);
  }

  @Test
  void allRunsTheGatewayOnTheOperatorsTokens(
      LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    int gatewayPort = FreePorts.pick();
    int allManagementPort = FreePorts.pick();
    Path allLog = Files.createTempFile("all", ".log");
    Process all =
        start(
            cluster,
            allLog,
            "all",
            "--gateway-port=" + gatewayPort,
            "--management-port=" + allManagementPort,
            "--watch-namespaces=all-cmd");
    try {
      client
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("all-cmd")
                  .endMetadata()
                  .build())
          .create();
      Path manifests = Files.createTempFile("manifests", ".yaml");
      Files.writeString(
          manifests,
          """
          apiVersion: aideploy.io/v1alpha1
          kind: AiApp
          metadata: {name: hello, labels: {group: A}}
          spec: {image: ovhcom/ai-deploy-hello-world}
          ---
          apiVersion: aideploy.io/v1alpha1
          kind: AiApp
          metadata: {name: other, labels: {group: B}}
          spec: {image: ovhcom/ai-deploy-hello-world}
          ---
          apiVersion: aideploy.io/v1alpha1
          kind: AiToken
          metadata: {name: reader-token}
          spec: {role: Reader, labelSelector: group=A}
          """);
      assertThat(cluster.kubectl("apply", "-n", "all-cmd", "-f", manifests.toString()).exitCode())
          .isZero();
      String hello = uid(cluster, "hello");
      String other = uid(cluster, "other");
      String token =
          await()
              .atMost(WAIT)
              .ignoreExceptions()
              .until(
                  () ->
                      new String(
                          Base64.getDecoder()
                              .decode(
                                  cluster
                                      .kubectl(
                                          "get",
                                          "secret",
                                          "reader-token",
                                          "-n",
                                          "all-cmd",
                                          "-o",
                                          "jsonpath={.data.token}")
                                      .output()
                                      .strip()),
                          StandardCharsets.UTF_8),
                  TokenValue::isWellFormed);
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> http(allManagementPort, "/readyz", null).statusCode() == 200);
      await()
          .atMost(WAIT)
          .until(() -> http(gatewayPort, "/auth?app=" + hello, token).statusCode() == 200);
      assertThat(http(gatewayPort, "/auth?app=" + other, token).statusCode()).isEqualTo(403);
      assertThat(http(gatewayPort, "/auth?app=" + hello, null).statusCode()).isEqualTo(401);
      assertThat(Files.readString(allLog)).doesNotContain(token);
    } finally {
      stop(all);
    }
  }

  static void applyApp(LocalControlPlane.Cluster cluster, String namespace, String name)
      throws IOException {
    Path manifest = Files.createTempFile(name, ".yaml");
    Files.writeString(
        manifest,
        "apiVersion: aideploy.io/v1alpha1\nkind: AiApp\nmetadata: {name: "
            + name
            + "}\nspec: {image: nginx}\n");
    assertThat(cluster.kubectl("apply", "-n", namespace, "-f", manifest.toString()).exitCode())
        .isZero();
  }

  static void awaitChildren(LocalControlPlane.Cluster cluster, String namespace, String name) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .kubectl(
                                "get", "deployment," + "service", "-n", namespace, "-o", "name")
                            .output())
                    .contains("deployment.apps/" + name, "service/" + name));
  }

  private static String uid(LocalControlPlane.Cluster cluster, String app) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                    .kubectl("get", "aiapp", app, "-n", "all-cmd", "-o", "jsonpath={.metadata.uid}")
                    .output()
                    .strip(),
            uid -> uid.length() == 36);
  }

  private static HttpResponse<String> http(int port, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int get(String path) throws Exception {
    return http.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String body(String path) throws Exception {
    return http.send(request(path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * SIGTERM, then SIGKILL after 30 s: a process that hangs fails the test instead of hanging it.
   */
  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed process exits").isTrue();
      throw new AssertionError("process did not stop within 30 s of SIGTERM");
    }
  }
}
