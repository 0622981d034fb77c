package io.aideploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
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
    managementPort = freePort();
    log = Files.createTempFile("operator", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    cluster.projectDir().resolve("target/aideploy.jar").toString(),
                    "operator",
                    "--management-port=" + managementPort))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    builder.environment().put("AIDEPLOY_BASE_DOMAIN", "apps.cmd.test");
    operator = builder.start();
  }

  @AfterAll
  static void stopOperator() throws Exception {
    operator.destroy();
    operator.waitFor();
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
