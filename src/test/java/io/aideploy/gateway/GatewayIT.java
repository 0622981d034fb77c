package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.config.Settings;
import io.aideploy.crypto.TokenValue;
import io.aideploy.server.ManagementServer;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.MutableClock;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's /auth against the real control plane, with informers and a real HTTP server. */
@ExtendWith(LocalControlPlane.class)
class GatewayIT {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String DOMAIN = TestOperator.BASE_DOMAIN;

  private static KubernetesClient client;
  private static Vertx vertx;
  private static PrometheusMeterRegistry registry;
  private static MutableClock clock;
  private static GatewayRuntime gateway;
  private String ns;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    clock = new MutableClock(Instant.now());
    gateway =
        GatewayRuntime.start(
            client, settings().toBuilder().failedAuthLimit(10_000).build(), registry, clock, vertx);
    await().atMost(WAIT).until(gateway::isReady);
  }

  static Settings settings() {
    return TestOperator.settings();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void namespace() {
    ns = TestNamespaces.create(client, "gw");
    clock.set(Instant.now());
  }

  @Test
  void decisionMatrix() {
    AiApp web = createApp(client, ns, "web", Map.of("group", "A", "tier", "web"), Access.Token);
    AiApp api = createApp(client, ns, "api", Map.of("group", "A", "tier", "api"), Access.Token);
    AiApp batch = createApp(client, ns, "batch", Map.of("group", "B"), Access.Token);
    // Claims to be web through the reserved label: must never get web's scope.
    AiApp spoofer =
        createApp(client, ns, "spoofer", Map.of("group", "B", "ovh/id", uid(web)), Access.Token);

    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("all", createToken(client, ns, "all", Role.Reader, null, null));
    tokens.put("group-a", createToken(client, ns, "group-a", Role.Operator, "group=A", null));
    tokens.put("tiers", createToken(client, ns, "tiers", Role.Reader, "tier in (web,api)", null));
    tokens.put("not-b", createToken(client, ns, "not-b", Role.Reader, "group!=B", null));
    tokens.put(
        "only-web", createToken(client, ns, "only-web", Role.Reader, "ovh/id=" + uid(web), null));
    tokens.put("typed", createToken(client, ns, "typed", Role.Reader, "ovh/type=app", null));
    tokens.put("ungrouped", createToken(client, ns, "ungrouped", Role.Reader, "!group", null));

    List<AiApp> apps = List.of(web, api, batch, spoofer);
    Map<String, int[]> expected = new LinkedHashMap<>();
    expected.put("all", new int[] {200, 200, 200, 200});
    expected.put("group-a", new int[] {200, 200, 403, 403});
    expected.put("tiers", new int[] {200, 200, 403, 403});
    expected.put("not-b", new int[] {200, 200, 403, 403});
    expected.put("only-web", new int[] {200, 403, 403, 403});
    expected.put("typed", new int[] {200, 200, 200, 200});
    expected.put("ungrouped", new int[] {403, 403, 403, 403});

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (var row : expected.entrySet()) {
                for (int i = 0; i < apps.size(); i++) {
                  assertThat(auth(uid(apps.get(i)), tokens.get(row.getKey())).status())
                      .as("token %s on app %s", row.getKey(), apps.get(i).getMetadata().getName())
                      .isEqualTo(row.getValue()[i]);
                }
              }
            });

    RawHttp.Response allowed = auth(uid(web), tokens.get("group-a"));
    assertThat(allowed.header("X-Aideploy-Token")).isEqualTo("group-a");
    assertThat(allowed.header("X-Aideploy-Role")).isEqualTo("Operator");
    assertThat(auth(uid(web), tokens.get("all")).header("X-Aideploy-Role")).isEqualTo("Reader");

    // An app created after the token is covered by it.
    AiApp late = createApp(client, ns, "late", Map.of("group", "A"), Access.Token);
    awaitAuth(uid(late), tokens.get("group-a"), 200);
    assertThat(auth(uid(late), tokens.get("only-web")).status()).isEqualTo(403);

    // Label changes move apps in and out of scope.
    relabel(batch, Map.of("group", "A"));
    awaitAuth(uid(batch), tokens.get("group-a"), 200);
    relabel(web, Map.of("group", "C"));
    awaitAuth(uid(web), tokens.get("group-a"), 403);
    assertThat(auth(uid(web), tokens.get("only-web")).status()).isEqualTo(200);

    // A token elsewhere never reaches this namespace, even with a matching selector.
    String otherNs = TestNamespaces.create(client, "gw-other");
    String foreign = createToken(client, otherNs, "all", Role.Operator, null, null);
    String foreignById =
        createToken(client, otherNs, "by-id", Role.Operator, "ovh/id=" + uid(api), null);
    await().atMost(WAIT).until(() -> auth(uid(api), foreign).status() == 403);
    assertThat(auth(uid(api), foreignById).status()).isEqualTo(403);
  }

  @Test
  void regeneratedAndDeletedTokensAreRefused() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String old = createToken(client, ns, "regen", Role.Reader, null, null);
    String gone = createToken(client, ns, "gone", Role.Reader, null, null);
    awaitAuth(uid(app), old, 200);
    awaitAuth(uid(app), gone, 200);

    String fresh = TestResources.publishNewValue(client, ns, "regen");
    awaitAuth(uid(app), old, 401);
    assertThat(auth(uid(app), fresh).status()).isEqualTo(200);
    assertThat(auth(uid(app), old).header("WWW-Authenticate"))
        .isEqualTo("Bearer realm=\"aideploy\"");

    client.resources(AiToken.class).inNamespace(ns).withName("gone").delete();
    awaitAuth(uid(app), gone, 401);

    TestResources.setPhase(client, ns, "regen", TokenPhase.Invalid);
    awaitAuth(uid(app), fresh, 401);
  }

  @Test
  void aReplacedValueWorksUntilItsGracePeriodEndsOnTheGatewaysClock() {
    // Two replicas, each with its own informers, on the same clock.
    PrometheusMeterRegistry local = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayRuntime second =
        GatewayRuntime.start(
            client, settings().toBuilder().failedAuthLimit(10_000).build(), local, clock, vertx);
    try {
      await().atMost(WAIT).until(second::isReady);
      int[] replicas = {gateway.port(), second.port()};
      AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
      String old = createToken(client, ns, "graceful", Role.Reader, null, null);
      for (int port : replicas) {
        await().atMost(WAIT).until(() -> auth(port, uid(app), old).status() == 200);
      }
      Instant until = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
      String fresh = TestResources.publishNewValueKeepingTheOld(client, ns, "graceful", until);
      for (int port : replicas) {
        await().atMost(WAIT).until(() -> auth(port, uid(app), fresh).status() == 200);
        assertThat(auth(port, uid(app), old).status()).isEqualTo(200);
      }

      // No event comes: each replica's clock alone ends the old value, at the stated instant
      // and not before.
      clock.set(until.minusSeconds(1));
      for (int port : replicas) {
        assertThat(auth(port, uid(app), old).status()).isEqualTo(200);
      }
      clock.set(until);
      for (int port : replicas) {
        assertThat(auth(port, uid(app), old).status()).isEqualTo(401);
        assertThat(auth(port, uid(app), fresh).status()).isEqualTo(200);
      }

      // Deleting the token ends both at once, grace or not.
      clock.set(until.minusSeconds(60));
      assertThat(auth(uid(app), old).status()).isEqualTo(200);
      client.resources(AiToken.class).inNamespace(ns).withName("graceful").delete();
      for (int port : replicas) {
        await().atMost(WAIT).until(() -> auth(port, uid(app), fresh).status() == 401);
        assertThat(auth(port, uid(app), old).status()).isEqualTo(401);
      }
    } finally {
      second.close();
    }
  }

  @Test
  void expiryIsCheckedAgainstTheClockNotOnlyThePhase() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String expiresAt =
        clock
            .instant()
            .plus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    String value = createToken(client, ns, "short", Role.Reader, null, expiresAt);
    awaitAuth(uid(app), value, 200);
    clock.advance(Duration.ofHours(2));
    // Still phase Ready in status: the gateway must not wait for the operator.
    assertThat(auth(uid(app), value).status()).isEqualTo(401);
    clock.set(Instant.now());
    assertThat(auth(uid(app), value).status()).isEqualTo(200);
    TestResources.setPhase(client, ns, "short", TokenPhase.Expired);
    awaitAuth(uid(app), value, 401);
  }

  @Test
  void publicUnknownAndTokenlessRequests() {
    AiApp open = createApp(client, ns, "open", Map.of(), Access.Public);
    AiApp closed = createApp(client, ns, "closed", Map.of(), Access.Token);
    await().atMost(WAIT).until(() -> auth(uid(open), null).status() == 200);
    RawHttp.Response noToken = auth(uid(closed), null);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"aideploy\"");
    assertThat(auth("00000000-0000-0000-0000-000000000000", null).status()).isEqualTo(403);
    // ingress-nginx's path without the app the operator writes into it: malformed, not a guess.
    assertThat(RawHttp.request(gateway.port(), "GET", "/auth").status()).isEqualTo(400);
    assertThat(auth(uid(closed), TokenValue.generate()).status()).isEqualTo(401);
    assertThat(auth(uid(closed), "aid_short").status()).isEqualTo(401);
  }

  @Test
  void allThreeProxyStyles() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String value = createToken(client, ns, "t", Role.Reader, null, null);
    awaitAuth(uid(app), value, 200);
    String host = uid(app) + "." + DOMAIN;
    String bearer = "Authorization: Bearer " + value;
    int port = gateway.port();
    // ingress-nginx: auth-url carries ?app=, and X-Original-URL the browser's URL.
    String nginx = "/auth?app=" + uid(app);
    String original = "X-Original-URL: https://" + host + "/x?y=1";
    assertThat(RawHttp.request(port, "GET", nginx, bearer, original).status()).isEqualTo(200);
    assertThat(RawHttp.request(port, "GET", nginx, original).status()).isEqualTo(401);
    // Traefik ForwardAuth, at its own path.
    String forwardedHost = "X-Forwarded-Host: " + host;
    assertThat(
            RawHttp.request(
                    port,
                    "GET",
                    "/auth/traefik",
                    bearer,
                    forwardedHost,
                    "X-Forwarded-Uri: /x",
                    "X-Forwarded-Proto: https",
                    "X-Forwarded-Method: GET")
                .status())
        .isEqualTo(200);
    assertThat(RawHttp.request(port, "GET", "/auth/traefik", forwardedHost).status())
        .isEqualTo(401);
    // Envoy/Istio ext_authz HTTP: original method, Host and path under the /auth/envoy prefix.
    assertThat(
            RawHttp.request(port, "POST", "/auth/envoy/v1/predict?q=1", bearer, "Host: " + host)
                .status())
        .isEqualTo(200);
    assertThat(RawHttp.request(port, "DELETE", "/auth/envoy/", "Host: " + host).status())
        .isEqualTo(401);
    // No other path under /auth is a check.
    assertThat(RawHttp.request(port, "GET", "/auth/v1/predict", bearer, "Host: " + host).status())
        .isEqualTo(404);
  }

  @Test
  void malformedInputIsNeverAServerErrorNorAllowed() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String value = createToken(client, ns, "t", Role.Reader, null, null);
    awaitAuth(uid(app), value, 200);
    int port = gateway.port();
    String id = uid(app);
    String huge = "x".repeat(64 * 1024);
    List<byte[]> requests =
        List.of(
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
                    + huge
                    + "\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: Basic "
                    + value
                    + "\r\n\r\n"),
            raw("GET /auth?app=%zz HTTP/1.1\r\nHost: h\r\n\r\n"),
            raw("GET /auth?app=%ff%fe HTTP/1.1\r\nHost: h\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + "&app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth HTTP/1.1\r\nHost: h\r\nX-Original-URL: javascript:alert(1)\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth HTTP/1.1\r\nHost: h\r\nX-Original-URL: https://u@"
                    + id
                    + "."
                    + DOMAIN
                    + "/\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth HTTP/1.1\r\nHost: "
                    + id
                    + "."
                    + DOMAIN
                    + ":99999x\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: "
                    + id
                    + "."
                    + DOMAIN
                    + "\r\nX-Forwarded-Host: other\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
                    + value
                    + "\r\nAuthorization: Bearer "
                    + value
                    + "\r\n\r\n"),
            raw("GET /auth?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: h\r\n\r\n"),
            raw("GET /au\u0000th HTTP/1.1\r\nHost: h\r\n\r\n"),
            raw("GARBAGE\r\n\r\n"),
            raw("GET /auth HTTP/1.1\r\nHost: h\r\nBroken header line\r\n\r\n"),
            raw("GET http://[::1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nCookie: aideploy_session=\u00ff\u00fe;;==; x\r\n\r\n"),
            raw(
                "GET /auth?app="
                    + id
                    + " HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer aid_\u00ff\u00fe\u00fd\r\n\r\n"),
            concat(
                raw("GET /auth?app=" + id + " HTTP/1.1\r\nHost: h\r\nX-Original-URL: https://"),
                new byte[] {(byte) 0xc3, (byte) 0x28},
                raw("/\r\n\r\n")),
            raw("GET /auth HTTP/1.1\r\nHost: " + "a.".repeat(200) + DOMAIN + "\r\n\r\n"));
    for (int i = 0; i < requests.size(); i++) {
      RawHttp.Response response = RawHttp.send(port, requests.get(i));
      assertThat(response.status())
          .as("request %d answered %s", i, response.status())
          .isNotEqualTo(200)
          .isNotEqualTo(500)
          .isBetween(-1, 499);
    }
    // And the gateway still serves.
    assertThat(auth(id, value).status()).isEqualTo(200);
  }

  @Test
  void unavailableUntilSyncedAndReadyzFollows() {
    try (KubernetesClient nowhere = TestResources.unreachableApi()) {
      PrometheusMeterRegistry local = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      GatewayRuntime unsynced = GatewayRuntime.start(nowhere, settings(), local, clock, vertx);
      ManagementServer management = ManagementServer.start(vertx, 0, local, unsynced::isReady);
      try {
        RawHttp.Response response =
            RawHttp.request(
                unsynced.port(),
                "GET",
                "/auth?app=abc",
                "Authorization: Bearer " + TokenValue.generate());
        assertThat(response.status()).isEqualTo(503);
        assertThat(RawHttp.request(unsynced.port(), "GET", "/auth?app=abc").status())
            .isEqualTo(503);
        assertThat(unsynced.isReady()).isFalse();
        assertThat(RawHttp.request(management.port(), "GET", "/readyz").status()).isEqualTo(503);
      } finally {
        management.close();
        unsynced.close();
      }
    }
    // The shared gateway, once synced, is ready.
    assertThat(gateway.isReady()).isTrue();
    ManagementServer management = ManagementServer.start(vertx, 0, registry, gateway::isReady);
    try {
      assertThat(RawHttp.request(management.port(), "GET", "/readyz").status()).isEqualTo(200);
    } finally {
      management.close();
    }
  }

  @Test
  void failedAttemptsAreRateLimitedPerClient() {
    PrometheusMeterRegistry local = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayRuntime limited =
        GatewayRuntime.start(
            client, settings().toBuilder().failedAuthLimit(3).build(), local, clock, vertx);
    try {
      AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
      String value = createToken(client, ns, "t", Role.Reader, null, null);
      await().atMost(WAIT).until(limited::isReady);
      String path = "/auth?app=" + uid(app);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  RawHttp.request(limited.port(), "GET", path, "Authorization: Bearer " + value)
                          .status()
                      == 200);
      String attacker = "X-Forwarded-For: 198.51.100.7";
      for (int i = 0; i < 3; i++) {
        assertThat(
                RawHttp.request(
                        limited.port(),
                        "GET",
                        path,
                        attacker,
                        "Authorization: Bearer " + TokenValue.generate())
                    .status())
            .isEqualTo(401);
      }
      RawHttp.Response blocked =
          RawHttp.request(
              limited.port(),
              "GET",
              path,
              attacker,
              "Authorization: Bearer " + TokenValue.generate());
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(Integer.parseInt(blocked.header("Retry-After"))).isBetween(1, 60);
      // A valid credential from the same address is never refused for the address.
      assertThat(
              RawHttp.request(
                      limited.port(), "GET", path, attacker, "Authorization: Bearer " + value)
                  .status())
          .isEqualTo(200);
      // Another client is not affected, and requests without a credential are plain 401s.
      assertThat(
              RawHttp.request(
                      limited.port(),
                      "GET",
                      path,
                      "X-Forwarded-For: 198.51.100.8",
                      "Authorization: Bearer " + TokenValue.generate())
                  .status())
          .isEqualTo(401);
      assertThat(RawHttp.request(limited.port(), "GET", path, attacker).status()).isEqualTo(401);
      clock.advance(Duration.ofSeconds(61));
      assertThat(
              RawHttp.request(
                      limited.port(),
                      "GET",
                      path,
                      attacker,
                      "Authorization: Bearer " + TokenValue.generate())
                  .status())
          .isEqualTo(401);
    } finally {
      limited.close();
    }
  }

  @Test
  void lastUsedAtIsPatchedWithoutTouchingTheRestOfTheStatus() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String value = createToken(client, ns, "t", Role.Reader, null, null);
    AiToken before = client.resources(AiToken.class).inNamespace(ns).withName("t").get();
    awaitAuth(uid(app), value, 200);
    await().atMost(WAIT).until(() -> token("t").getStatus().getLastUsedAt() != null);
    AiToken after = token("t");
    String first = after.getStatus().getLastUsedAt();
    assertThat(after.getStatus().getTokenHash()).isEqualTo(before.getStatus().getTokenHash());
    assertThat(after.getStatus().getTokenPrefix()).isEqualTo(before.getStatus().getTokenPrefix());
    assertThat(after.getStatus().getPhase()).isEqualTo(TokenPhase.Ready);
    assertThat(after.getStatus().getIssuedAt()).isEqualTo(before.getStatus().getIssuedAt());
    // Within the minute, further uses do not write again.
    for (int i = 0; i < 5; i++) {
      assertThat(auth(uid(app), value).status()).isEqualTo(200);
    }
    clock.advance(Duration.ofSeconds(30));
    assertThat(auth(uid(app), value).status()).isEqualTo(200);
    assertThat(token("t").getStatus().getLastUsedAt()).isEqualTo(first);
    // A minute later, it is written again with the new time.
    clock.advance(Duration.ofMinutes(2));
    assertThat(auth(uid(app), value).status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> !first.equals(token("t").getStatus().getLastUsedAt()));
  }

  @Test
  void metricsAndNoTokenValueInThem() {
    AiApp app = createApp(client, ns, "app", Map.of(), Access.Token);
    String value = createToken(client, ns, "t", Role.Reader, null, null);
    awaitAuth(uid(app), value, 200);
    auth(uid(app), TokenValue.generate());
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "aideploy_gateway_decisions_total{reason=\"token_ok\",result=\"allow\",route=\"auth\"}")
        .contains(
            "aideploy_gateway_decisions_total{reason=\"unknown_token\",result=\"unauthenticated\",route=\"auth\"}")
        .contains("aideploy_gateway_decision_duration_seconds_bucket")
        .contains("aideploy_gateway_cache_apps")
        .contains("aideploy_gateway_cache_tokens")
        .doesNotContain(value)
        .doesNotContain(uid(app));
  }

  private AiToken token(String name) {
    return client.resources(AiToken.class).inNamespace(ns).withName(name).get();
  }

  private void relabel(AiApp app, Map<String, String> labels) {
    client
        .resources(AiApp.class)
        .inNamespace(ns)
        .withName(app.getMetadata().getName())
        .edit(
            a -> {
              a.getMetadata().setLabels(labels);
              return a;
            });
  }

  static RawHttp.Response auth(int port, String appId, String value) {
    return value == null
        ? RawHttp.request(port, "GET", "/auth?app=" + appId)
        : RawHttp.request(port, "GET", "/auth?app=" + appId, "Authorization: Bearer " + value);
  }

  private static RawHttp.Response auth(String appId, String value) {
    return auth(gateway.port(), appId, value);
  }

  private static void awaitAuth(String appId, String value, int status) {
    await().atMost(WAIT).until(() -> auth(appId, value).status() == status);
  }

  /** The bytes of {@code text}, asking the server to close after answering a full request. */
  private static byte[] raw(String text) {
    String closing =
        text.endsWith("\r\n\r\n")
            ? text.substring(0, text.length() - 2) + "Connection: close\r\n\r\n"
            : text;
    return closing.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }
}
