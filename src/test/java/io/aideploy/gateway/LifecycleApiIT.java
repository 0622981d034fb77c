package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lifecycle API for Reader and Operator tokens, against the real control plane. */
@ExtendWith(LocalControlPlane.class)
class LifecycleApiIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KubernetesClient client;
  private static Vertx vertx;
  private static GatewayRuntime gateway;

  private String ns;
  private AiApp web;
  private AiApp api;
  private AiApp batch;
  private String reader;
  private String operator;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    gateway =
        GatewayRuntime.start(
            client,
            TestOperator.settings().toBuilder().failedAuthLimit(10_000).build(),
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            vertx);
    await().atMost(WAIT).until(gateway::isReady);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void resources() {
    ns = TestNamespaces.create(client, "api");
    web = createApp(client, ns, "web", Map.of("group", "A"), Access.Token);
    api = createApp(client, ns, "api", Map.of("group", "A"), Access.Public);
    batch = createApp(client, ns, "batch", Map.of("group", "B"), Access.Token);
    reader = createToken(client, ns, "reader", Role.Reader, "group=A", null);
    operator = createToken(client, ns, "operator", Role.Operator, "group=A", null);
    await().atMost(WAIT).until(() -> call("GET", "/v1/apps/" + uid(web), operator).status() == 200);
    await().atMost(WAIT).until(() -> call("GET", "/v1/apps/" + uid(api), reader).status() == 200);
  }

  @Test
  void bothRolesListAndGetTheAppsInTheirScope() throws Exception {
    for (String token : List.of(reader, operator)) {
      RawHttp.Response list = call("GET", "/v1/apps", token);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.header("Content-Type")).isEqualTo("application/json");
      List<String> names = new ArrayList<>();
      JSON.readTree(list.body()).get("items").forEach(item -> names.add(item.get("name").asText()));
      assertThat(names).containsExactly("api", "web");

      JsonNode app = JSON.readTree(call("GET", "/v1/apps/" + uid(web), token).body());
      assertThat(app.get("id").asText()).isEqualTo(uid(web));
      assertThat(app.get("namespace").asText()).isEqualTo(ns);
      assertThat(app.get("state").asText()).isEqualTo("Running");
      assertThat(app.get("access").asText()).isEqualTo("Token");
      assertThat(app.get("url").asText()).isEqualTo("https://" + uid(web) + ".apps.test.local/");
      assertThat(app.get("labels").get("ovh/id").asText()).isEqualTo(uid(web));

      // Out of scope and unknown look the same: existence does not leak.
      RawHttp.Response hidden = call("GET", "/v1/apps/" + uid(batch), token);
      assertThat(hidden.status()).isEqualTo(404);
      assertThat(JSON.readTree(hidden.body()).get("message").asText()).isEqualTo("no such app");
      assertThat(call("GET", "/v1/apps/00000000-0000-0000-0000-000000000000", token).body())
          .isEqualTo(hidden.body());
    }
  }

  @Test
  void readerMayNotChangeApps() throws Exception {
    for (String[] call :
        new String[][] {
          {"POST", "/v1/apps/" + uid(web) + "/start"},
          {"POST", "/v1/apps/" + uid(web) + "/stop"},
          {"DELETE", "/v1/apps/" + uid(web)}
        }) {
      RawHttp.Response refused = call(call[0], call[1], reader);
      assertThat(refused.status()).as("%s %s", call[0], call[1]).isEqualTo(403);
      assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("Reader");
    }
    // Outside its scope a Reader learns nothing, not even that the call would be forbidden.
    assertThat(call("POST", "/v1/apps/" + uid(batch) + "/stop", reader).status()).isEqualTo(404);
    assertThat(client.resource(web).get().getSpec().getState()).isEqualTo(AppState.Running);
  }

  @Test
  void operatorStopsStartsAndDeletes() throws Exception {
    RawHttp.Response stopped = call("POST", "/v1/apps/" + uid(web) + "/stop", operator);
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(JSON.readTree(stopped.body()).get("state").asText()).isEqualTo("Stopped");
    assertThat(client.resource(web).get().getSpec().getState()).isEqualTo(AppState.Stopped);

    RawHttp.Response started = call("POST", "/v1/apps/" + uid(web) + "/start", operator);
    assertThat(started.status()).isEqualTo(200);
    assertThat(client.resource(web).get().getSpec().getState()).isEqualTo(AppState.Running);

    assertThat(call("POST", "/v1/apps/" + uid(batch) + "/stop", operator).status()).isEqualTo(404);
    assertThat(call("DELETE", "/v1/apps/" + uid(batch), operator).status()).isEqualTo(404);
    assertThat(client.resource(batch).get()).isNotNull();

    RawHttp.Response deleted = call("DELETE", "/v1/apps/" + uid(web), operator);
    assertThat(deleted.status()).isEqualTo(202);
    assertThat(JSON.readTree(deleted.body()).get("id").asText()).isEqualTo(uid(web));
    await().atMost(WAIT).until(() -> client.resource(web).get() == null);
    await().atMost(WAIT).until(() -> call("GET", "/v1/apps/" + uid(web), operator).status() == 404);
  }

  @Test
  void bearerOnlyJsonErrors() throws Exception {
    RawHttp.Response none = call("GET", "/v1/apps", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"aideploy\"");
    assertThat(JSON.readTree(none.body()).get("message").asText()).isNotBlank();
    // A session cookie is not a credential here: no cross-site request can act for a browser.
    assertThat(
            RawHttp.request(
                    gateway.port(),
                    "POST",
                    "/v1/apps/" + uid(web) + "/stop",
                    "Cookie: aideploy_session=anything")
                .status())
        .isEqualTo(401);
    assertThat(call("GET", "/v1/apps", "aid_garbage").status()).isEqualTo(401);
    RawHttp.Response wrongMethod = call("PUT", "/v1/apps/" + uid(web), operator);
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("GET, DELETE");
    assertThat(call("GET", "/v1/apps/" + uid(web) + "/start", operator).status()).isEqualTo(405);
    assertThat(JSON.readTree(call("GET", "/v1/apps/Not_An_Id", operator).body()).has("message"))
        .isTrue();
    assertThat(call("GET", "/v1/apps/x/y/z", operator).status()).isEqualTo(404);
  }

  private static RawHttp.Response call(String method, String path, String token) {
    return token == null
        ? RawHttp.request(gateway.port(), method, path)
        : RawHttp.request(gateway.port(), method, path, "Authorization: Bearer " + token);
  }
}
