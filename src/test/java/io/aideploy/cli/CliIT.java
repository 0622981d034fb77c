package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.crypto.TokenValue;
import io.aideploy.gateway.GatewayRuntime;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OVHcloud's token scenario driven only through the CLI (in-process, as {@code aideploy …}),
 * against the real control plane with the operator and a gateway running; and the lifecycle API
 * used with a token and no cluster access at all.
 */
@ExtendWith(LocalControlPlane.class)
class CliIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();

  private static KubernetesClient client;
  private static String kubeconfig;
  private static TestOperator operator;
  private static Vertx vertx;
  private static GatewayRuntime gateway;
  private static String gatewayUrl;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient kubernetes) {
    client = kubernetes;
    kubeconfig = cluster.kubeconfig().toString();
    operator = TestOperator.start(client);
    vertx = Vertx.vertx();
    gateway =
        GatewayRuntime.start(
            client,
            TestOperator.settings().toBuilder().failedAuthLimit(10_000).build(),
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            vertx);
    await().atMost(WAIT).until(gateway::isReady);
    gatewayUrl = "http://127.0.0.1:" + gateway.port();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    operator.close();
  }

  @Test
  void theTokenScenarioOfTheOvhcloudGuide() throws Exception {
    String ns = TestNamespaces.create(client, "cli");
    String hello = uid(createApp(ns, "hello", "A"));
    String other = uid(createApp(ns, "other", "B"));

    CliRun apps = kube(ns, "app", "ls", "-o", "wide");
    assertThat(apps.exitCode()).as(apps.err()).isZero();
    assertThat(apps.out()).contains("NAME", "ID", "PHASE", "URL", "LABELS", "hello", hello);
    // Not a terminal: no colour.
    assertThat(apps.out()).doesNotContain("\u001b[");
    CliRun narrow = kube(ns, "app", "ls");
    assertThat(narrow.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("PHASE", "URL", "LABELS")
        .doesNotContain("ID");
    assertThat(apps.out().lines().filter(l -> l.startsWith("hello")).findFirst().orElseThrow())
        .contains("group=A")
        .doesNotContain("ovh/");

    CliRun created =
        kube(
            ns, "token", "create", "reader-token", "--role", "read", "--label-selector", "group=A");
    assertThat(created.exitCode()).as(created.err()).isZero();
    String value = created.out().strip();
    assertThat(TokenValue.isWellFormed(value)).as(created.out()).isTrue();
    assertThat(created.err()).contains("only time").doesNotContain(value);

    // The printed value is the one the gateway accepts, and only for group=A.
    await().atMost(WAIT).until(() -> auth(hello, value) == 200);
    assertThat(auth(other, value)).isEqualTo(403);

    CliRun tokens = kube(ns, "token", "ls");
    assertThat(tokens.exitCode()).as(tokens.err()).isZero();
    assertThat(tokens.out())
        .contains("NAME", "ROLE", "SELECTOR", "PHASE", "APPS", "LAST USED")
        .contains("reader-token", "Reader", "group=A", "Ready", TokenValue.prefix(value))
        .doesNotContain(value);
    CliRun tokensJson = kube(ns, "token", "ls", "-o", "json");
    JsonNode item = JSON.readTree(tokensJson.out()).get("items").get(0);
    assertThat(item.get("name").asText()).isEqualTo("reader-token");
    assertThat(item.get("role").asText()).isEqualTo("Reader");
    assertThat(item.has("token")).isFalse();
    assertThat(tokensJson.out()).doesNotContain(value);

    CliRun regenerated = kube(ns, "token", "regenerate", "reader-token");
    assertThat(regenerated.exitCode()).as(regenerated.err()).isZero();
    String renewed = regenerated.out().strip();
    assertThat(TokenValue.isWellFormed(renewed)).isTrue();
    assertThat(renewed).isNotEqualTo(value);
    await().atMost(WAIT).until(() -> auth(hello, renewed) == 200);
    await().atMost(WAIT).until(() -> auth(hello, value) == 401);

    // With a grace period, the value it replaces keeps working, through the real gateway.
    CliRun graceful = kube(ns, "token", "regenerate", "reader-token", "--grace", "10m");
    assertThat(graceful.exitCode()).as(graceful.err()).isZero();
    String third = graceful.out().strip();
    assertThat(graceful.err()).contains("The previous value of reader-token keeps working until");
    await().atMost(WAIT).until(() -> auth(hello, third) == 200);
    assertThat(auth(hello, renewed)).isEqualTo(200);

    // Deleting the token ends both at once.
    CliRun deleted = kube(ns, "token", "delete", "reader-token");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    await().atMost(WAIT).until(() -> auth(hello, third) == 401);
    assertThat(auth(hello, renewed)).isEqualTo(401);
    CliRun again = kube(ns, "token", "delete", "reader-token");
    assertThat(again.exitCode()).isEqualTo(CliException.NOT_FOUND);
    assertThat(again.errLines()).singleElement().asString().contains("no token reader-token");
  }

  @Test
  void appCommandsOnTheKubernetesApi() throws Exception {
    String ns = TestNamespaces.create(client, "cli-app");
    AiApp app = createApp(ns, "hello", "A");
    String id = uid(app);

    await()
        .atMost(WAIT)
        .until(() -> kube(ns, "app", "url", "hello").out().strip(), url -> !url.isEmpty());
    assertThat(kube(ns, "app", "url", id).out().strip())
        .isEqualTo("https://" + id + "." + TestOperator.BASE_DOMAIN + "/");

    CliRun get = kube(ns, "app", "get", "hello");
    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out())
        .contains("Name:", "hello", "ID:", id, "group=A")
        .contains("ovh/id=" + id + "  (reserved")
        .contains("ovh/type=app  (reserved");
    JsonNode json = JSON.readTree(kube(ns, "app", "get", id, "-o", "json").out());
    assertThat(json.get("name").asText()).isEqualTo("hello");
    assertThat(json.get("labels").get("group").asText()).isEqualTo("A");

    CliRun reserved = kube(ns, "app", "set-label", "hello", "ovh/id", "spoofed");
    assertThat(reserved.exitCode()).isEqualTo(CliException.USAGE);
    CliRun labelled = kube(ns, "app", "set-label", "hello", "tier", "gold");
    assertThat(labelled.exitCode()).as(labelled.err()).isZero();
    assertThat(client.resource(app).get().getMetadata().getLabels()).containsEntry("tier", "gold");

    assertThat(kube(ns, "app", "stop", "hello").exitCode()).isZero();
    assertThat(client.resource(app).get().getSpec().getState()).isEqualTo(AppState.Stopped);
    assertThat(kube(ns, "app", "start", id).exitCode()).isZero();
    assertThat(client.resource(app).get().getSpec().getState()).isEqualTo(AppState.Running);

    CliRun missing = kube(ns, "app", "get", "nope");
    assertThat(missing.exitCode()).isEqualTo(CliException.NOT_FOUND);
    assertThat(missing.errLines()).singleElement().asString().contains("no app named");

    assertThat(kube(ns, "app", "delete", "hello").exitCode()).isEqualTo(CliException.USAGE);
    assertThat(client.resource(app).get()).isNotNull();
    CliRun deleted = kube(ns, "app", "delete", "hello", "--yes");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    await().atMost(WAIT).until(() -> client.resource(app).get() == null);
  }

  @Test
  void lifecycleThroughTheGatewayWithOnlyAToken() throws Exception {
    String ns = TestNamespaces.create(client, "cli-api");
    AiApp web = createApp(ns, "web", "A");
    createApp(ns, "batch", "B");
    String reader =
        issued(kube(ns, "token", "create", "reader", "--role", "read", "-l", "group=A"));
    String op = issued(kube(ns, "token", "create", "op", "--role", "operator", "-l", "group=A"));

    // The gateway learns of new tokens through its watch: wait until it knows both.
    for (String token : List.of(op, reader)) {
      await()
          .atMost(WAIT)
          .until(() -> viaGateway(token, "app", "ls").out(), out -> out.contains("web"));
    }
    CliRun listed = viaGateway(reader, "app", "ls");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("web", uid(web)).doesNotContain("batch");

    CliRun refused = viaGateway(reader, "app", "stop", "web");
    assertThat(refused.exitCode()).isEqualTo(CliException.REFUSED);
    assertThat(refused.errLines())
        .singleElement()
        .asString()
        .contains("Reader")
        .contains("Operator token");
    assertThat(client.resource(web).get().getSpec().getState()).isEqualTo(AppState.Running);

    CliRun stopped = viaGateway(op, "app", "stop", "web");
    assertThat(stopped.exitCode()).as(stopped.err()).isZero();
    assertThat(client.resource(web).get().getSpec().getState()).isEqualTo(AppState.Stopped);
    JsonNode started = JSON.readTree(viaGateway(op, "app", "start", uid(web), "-o", "json").out());
    assertThat(started.get("state").asText()).isEqualTo("Running");

    CliRun hidden = viaGateway(op, "app", "get", "batch");
    assertThat(hidden.exitCode()).isEqualTo(CliException.NOT_FOUND);
    CliRun bad = viaGateway(TokenValue.generate(), "app", "ls");
    assertThat(bad.exitCode()).isEqualTo(CliException.REFUSED);
    assertThat(bad.errLines()).singleElement().asString().contains("refused the token");

    assertThat(viaGateway(reader, "app", "delete", "web", "--yes").exitCode())
        .isEqualTo(CliException.REFUSED);
    CliRun deleted = viaGateway(op, "app", "delete", "web", "--yes");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    await().atMost(WAIT).until(() -> client.resource(web).get() == null);
  }

  @Test
  void anAppCreatedWithAScopedOperatorTokenIsBornInScopeAndReconciled() throws Exception {
    String ns = TestNamespaces.create(client, "run-api");
    String groupA =
        issued(
            kube(ns, "token", "create", "ops-a", "--role", "operator", "-l", "group=A,env in (x)"));
    String groupB =
        issued(kube(ns, "token", "create", "ops-b", "--role", "operator", "-l", "group=B"));

    HttpResponse<String> created =
        post(
            "/v1/apps",
            groupA,
            """
            {"name": "made", "image": "ovhcom/ai-deploy-hello-world", "labels": {"team": "ml"},
             "defaultHttpPort": 8080, "resources": {"cpu": "100m", "memory": "64Mi"},
             "replicas": 1, "env": [{"name": "MODEL", "value": "small"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode app = JSON.readTree(created.body());
    String id = app.get("id").asText();
    assertThat(app.get("name").asText()).isEqualTo("made");
    assertThat(app.get("namespace").asText()).isEqualTo(ns);
    assertThat(app.get("url").asText()).isEqualTo("https://" + id + ".apps.test.local/");

    AiApp stored = client.resources(AiApp.class).inNamespace(ns).withName("made").get();
    assertThat(stored.getMetadata().getUid()).isEqualTo(id);
    // The token's equalities (group=A, and env=x from a one-value "in") and the user's label.
    assertThat(stored.getMetadata().getLabels())
        .containsAllEntriesOf(Map.of("group", "A", "env", "x", "team", "ml"));
    assertThat(stored.getSpec().getEnv().get(0).getValue()).isEqualTo("small");
    // The operator reconciles it like any app: its children exist.
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.apps().deployments().inNamespace(ns).withName("made").get() != null
                    && client.services().inNamespace(ns).withName("made").get() != null
                    && client.network().v1().ingresses().inNamespace(ns).withName("made").get()
                        != null);
    // The creating token reaches it; a token of another group does not.
    await().atMost(WAIT).until(() -> auth(id, groupA) == 200);
    assertThat(auth(id, groupB)).isEqualTo(403);

    // A name is optional: the API server generates one.
    HttpResponse<String> unnamed =
        post("/v1/apps", groupA, "{\"image\": \"ovhcom/ai-deploy-hello-world\"}");
    assertThat(unnamed.statusCode()).as(unnamed.body()).isEqualTo(201);
    assertThat(JSON.readTree(unnamed.body()).get("name").asText()).startsWith("app-");
    // A taken name is a conflict, not a server error.
    HttpResponse<String> taken = post("/v1/apps", groupA, "{\"name\": \"made\", \"image\": \"x\"}");
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(message(taken)).contains("already exists");
  }

  @Test
  void refusedCreationsSayWhyAndCreateNothing() throws Exception {
    String ns = TestNamespaces.create(client, "run-refused");
    String reader =
        issued(kube(ns, "token", "create", "read-a", "--role", "read", "-l", "group=A"));
    String operator =
        issued(kube(ns, "token", "create", "ops-a", "--role", "operator", "-l", "group=A"));
    String excluding =
        issued(kube(ns, "token", "create", "ops-not-a", "--role", "operator", "-l", "group!=A"));
    String image = "\"image\": \"ovhcom/ai-deploy-hello-world\"";

    HttpResponse<String> byReader = post("/v1/apps", reader, "{" + image + "}");
    assertThat(byReader.statusCode()).isEqualTo(403);
    assertThat(message(byReader)).contains("Reader");

    HttpResponse<String> unsatisfiable = post("/v1/apps", excluding, "{" + image + "}");
    assertThat(unsatisfiable.statusCode()).isEqualTo(422);
    assertThat(message(unsatisfiable)).contains("'group!=A'", "only excludes");

    // The API server's own schema: replicas and autoscaling together break a CEL rule.
    HttpResponse<String> schema =
        post(
            "/v1/apps",
            operator,
            "{" + image + ", \"replicas\": 2, \"autoscaling\": {\"maxReplicas\": 3}}");
    assertThat(schema.statusCode()).isEqualTo(422);
    assertThat(message(schema)).contains("mutually exclusive");
    HttpResponse<String> bound = post("/v1/apps", operator, "{" + image + ", \"replicas\": 5000}");
    assertThat(bound.statusCode()).isEqualTo(422);
    assertThat(message(bound)).contains("spec.replicas");

    HttpResponse<String> secretRef =
        post(
            "/v1/apps",
            operator,
            "{"
                + image
                + ", \"env\": [{\"name\": \"K\", \"valueFrom\": {\"secretKeyRef\":"
                + " {\"name\": \"ops-a\", \"key\": \"token\"}}}]}");
    assertThat(secretRef.statusCode()).isEqualTo(422);
    assertThat(message(secretRef)).contains("valueFrom", "literal");

    HttpResponse<String> reserved =
        post("/v1/apps", operator, "{" + image + ", \"labels\": {\"ovh/id\": \"x\"}}");
    assertThat(reserved.statusCode()).isEqualTo(422);
    assertThat(message(reserved)).contains("reserved");

    String padding = "x".repeat(70 * 1024);
    HttpResponse<String> oversized =
        post("/v1/apps", operator, "{" + image + ", \"name\": \"" + padding + "\"}");
    assertThat(oversized.statusCode()).isEqualTo(413);
    assertThat(message(oversized)).contains("64 KiB");

    // Each refusal was answered before or by the API server: had anything been created, it would
    // be listed now.
    assertThat(client.resources(AiApp.class).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void appRunAndScaleOnTheKubernetesApiAndThroughTheGateway() throws Exception {
    String ns = TestNamespaces.create(client, "cli-run");
    CliRun run =
        kube(
            ns,
            "app",
            "run",
            "ovhcom/ai-deploy-hello-world",
            "--name",
            "direct",
            "--label",
            "group=A",
            "--replicas",
            "2",
            "--cpu",
            "100m",
            "--env",
            "MODEL=small");
    assertThat(run.exitCode()).as(run.err()).isZero();
    AiApp direct = client.resources(AiApp.class).inNamespace(ns).withName("direct").get();
    String directId = direct.getMetadata().getUid();
    // Printed once the operator has reconciled it: name, id and URL.
    assertThat(run.out().strip())
        .isEqualTo("direct\t" + directId + "\thttps://" + directId + ".apps.test.local/");
    assertThat(direct.getSpec().getReplicas()).isEqualTo(2);
    assertThat(direct.getSpec().getResources().getCpu()).isEqualTo("100m");
    assertThat(direct.getSpec().getEnv().get(0).getValue()).isEqualTo("small");
    assertThat(direct.getMetadata().getLabels()).containsEntry("group", "A");

    CliRun scaled = kube(ns, "app", "scale", "direct", "--min", "1", "--max", "4");
    assertThat(scaled.exitCode()).as(scaled.err()).isZero();
    AiApp autoscaled = client.resource(direct).get();
    assertThat(autoscaled.getSpec().getReplicas()).isNull();
    assertThat(autoscaled.getSpec().getAutoscaling().getMaxReplicas()).isEqualTo(4);

    String operator =
        issued(kube(ns, "token", "create", "ops", "--role", "operator", "-l", "group=B"));
    CliRun remote =
        viaGateway(
            operator,
            "app",
            "run",
            "ovhcom/ai-deploy-hello-world",
            "--name",
            "remote",
            "--streaming",
            "--max-stream-seconds",
            "600",
            "-o",
            "json");
    assertThat(remote.exitCode()).as(remote.err()).isZero();
    JsonNode shown = JSON.readTree(remote.out());
    assertThat(shown.get("name").asText()).isEqualTo("remote");
    assertThat(shown.get("labels").get("group").asText()).isEqualTo("B");
    AiApp viaToken = client.resources(AiApp.class).inNamespace(ns).withName("remote").get();
    assertThat(shown.get("id").asText()).isEqualTo(viaToken.getMetadata().getUid());
    assertThat(viaToken.getSpec().getStreaming().getEnabled()).isTrue();
    assertThat(viaToken.getSpec().getStreaming().getMaxStreamSeconds()).isEqualTo(600);

    CliRun remoteScale = viaGateway(operator, "app", "scale", "remote", "--replicas", "3");
    assertThat(remoteScale.exitCode()).as(remoteScale.err()).isZero();
    assertThat(remoteScale.out()).contains("remote scaled to 3 replicas");
    assertThat(client.resource(viaToken).get().getSpec().getReplicas()).isEqualTo(3);

    // Refusals are one line with the next step, and the documented exit codes.
    CliRun outside =
        viaGateway(operator, "app", "run", "ovhcom/ai-deploy-hello-world", "--label", "group=A");
    assertThat(outside.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(outside.errLines()).hasSize(1);
    assertThat(outside.err()).contains("group=A is outside");
    CliRun secret = kube(ns, "app", "run", "x", "--label", "ovh/id=forged");
    assertThat(secret.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(secret.err()).contains("reserved");
    // The CRD's bounds hold through the gateway as through the Kubernetes API.
    CliRun unbounded =
        viaGateway(
            operator,
            "app",
            "run",
            "ovhcom/ai-deploy-hello-world",
            "--streaming",
            "--max-stream-seconds",
            "0");
    assertThat(unbounded.exitCode()).as(unbounded.err()).isEqualTo(CliException.USAGE);
    assertThat(unbounded.err()).contains("maxStreamSeconds");
    CliRun lifetimeAlone = kube(ns, "app", "run", "x", "--max-stream-seconds", "60");
    assertThat(lifetimeAlone.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(lifetimeAlone.err()).contains("--max-stream-seconds needs --streaming");
    CliRun both = kube(ns, "app", "scale", "direct", "--replicas", "1", "--max", "2");
    assertThat(both.exitCode()).isEqualTo(CliException.USAGE);
    String reader = issued(kube(ns, "token", "create", "read", "--role", "read", "-l", "group=B"));
    CliRun readerRun = viaGateway(reader, "app", "scale", "remote", "--replicas", "1");
    assertThat(readerRun.exitCode()).isEqualTo(CliException.REFUSED);
    assertThat(readerRun.err()).contains("Operator token");
  }

  private static HttpResponse<String> post(String path, String token, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gatewayUrl + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String message(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body()).get("message").asText();
  }

  @Test
  void theLauncherAndTheKubectlPluginRunThePackagedJar(LocalControlPlane.Cluster cluster)
      throws Exception {
    String ns = TestNamespaces.create(client, "cli-plugin");
    String hello = uid(createApp(ns, "hello", "A"));
    Path bin = cluster.projectDir().resolve("bin");

    Launched help = launch(cluster, Map.of(), bin.resolve("aideploy").toString(), "--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: aideploy", "app", "token");

    // kubectl finds kubectl-aideploy on the PATH and hands it everything after "aideploy".
    String kubectl = cluster.binDir().resolve("kubectl").toString();
    Launched created =
        launch(
            cluster,
            Map.of(),
            kubectl,
            "aideploy",
            "token",
            "create",
            "plugin-token",
            "--role",
            "read",
            "-l",
            "group=A",
            "-n",
            ns);
    assertThat(created.exitCode()).as(created.err()).isZero();
    String value = created.out().strip();
    assertThat(TokenValue.isWellFormed(value)).as(created.out()).isTrue();
    await().atMost(WAIT).until(() -> auth(hello, value) == 200);
    Launched listed = launch(cluster, Map.of(), kubectl, "aideploy", "token", "ls", "-n", ns);
    assertThat(listed.out()).contains("plugin-token", "Reader").doesNotContain(value);

    Launched noJar =
        launch(
            cluster,
            Map.of("AIDEPLOY_JAR", "/nonexistent/aideploy.jar"),
            bin.resolve("aideploy").toString(),
            "--help");
    assertThat(noJar.exitCode()).isEqualTo(4);
    assertThat(noJar.err()).contains("mvn -B package");
  }

  private record Launched(int exitCode, String out, String err) {}

  /** Runs a program with bin/ first on the PATH and the test cluster's kubeconfig. */
  private static Launched launch(
      LocalControlPlane.Cluster cluster, Map<String, String> env, String... command)
      throws Exception {
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    builder
        .environment()
        .put(
            "PATH",
            cluster.projectDir().resolve("bin")
                + File.pathSeparator
                + Path.of(System.getProperty("java.home"), "bin")
                + File.pathSeparator
                + System.getenv("PATH"));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    return new Launched(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The CLI against the cluster, in namespace {@code ns}. */
  private static CliRun kube(String ns, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kubeconfig));
    return CliRun.of(all);
  }

  /**
   * The CLI against the gateway only. The kubeconfig points nowhere: any use of the cluster would
   * fail the command.
   */
  private static CliRun viaGateway(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--url",
            gatewayUrl,
            // The gateway listens on loopback: plain http never leaves this machine.
            "--insecure",
            "--token-file",
            tokenFile(token).toString(),
            "--kubeconfig",
            "/nonexistent/kubeconfig"));
    return CliRun.of(all);
  }

  /** A file holding {@code token}, readable only by its owner, as a user would keep it. */
  private static Path tokenFile(String token) {
    try {
      Path file =
          Files.createTempFile(
              "aideploy-token",
              "",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      return Files.writeString(file, token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String issued(CliRun run) {
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run.out().strip();
  }

  private static AiApp createApp(String ns, String name, String group) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(name)
            .withLabels(Map.of("group", group))
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    app.setSpec(spec);
    return client.resource(app).create();
  }

  private static String uid(AiApp app) {
    return app.getMetadata().getUid();
  }

  private static int auth(String app, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gatewayUrl + "/auth?app=" + app))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
