package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.MutableClock;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attack suite (docs/security.md): what an attacker with curl, a browser and the right to
 * create apps in one namespace would try against the gateway, each on the real control plane. In
 * every setup there is a private app {@code secret}, a Public app {@code open} that any tenant may
 * create, and the attacker's own app {@code mine} with a token that covers only it.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayAttackIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = TestOperator.BASE_DOMAIN;

  private static KubernetesClient client;
  private static Vertx vertx;
  private static MutableClock clock;
  private static GatewayRuntime gateway;

  private String ns;
  private AiApp secret;
  private AiApp open;
  private AiApp mine;
  private String mineOnly;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.now());
    gateway =
        GatewayRuntime.start(
            client,
            TestOperator.settings().toBuilder().failedAuthLimit(5).build(),
            new SimpleMeterRegistry(),
            clock,
            vertx);
    await().atMost(WAIT).until(gateway::isReady);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void apps() {
    clock.set(Instant.now());
    ns = TestNamespaces.create(client, "attack");
    secret = createApp(client, ns, "secret", Map.of("group", "A"), Access.Token);
    open = createApp(client, ns, "open", Map.of("group", "B"), Access.Public);
    mine = createApp(client, ns, "mine", Map.of("group", "C"), Access.Token);
    mineOnly = createToken(client, ns, "mine-only", Role.Operator, "ovh/id=" + uid(mine), null);
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(mine), mineOnly).status() == 200);
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(open), null).status() == 200);
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(secret), null).status() == 401);
  }

  /** One hostile request and what it must get: the answer for the app its proxy names. */
  private record Attempt(
      String what, int expected, String method, String target, String... headers) {}

  @Test
  void envoyDecidesByHostAloneWhateverTheClientAppends() {
    String host = "Host: " + host(secret);
    String bearer = "Authorization: Bearer " + mineOnly;
    List<Attempt> attempts =
        List.of(
            new Attempt("app in the query", 401, "GET", "/auth/envoy/x?app=" + uid(open), host),
            new Attempt("app on the bare prefix", 401, "GET", "/auth/envoy?app=" + uid(open), host),
            new Attempt(
                "app twice",
                401,
                "GET",
                "/auth/envoy/x?app=" + uid(open) + "&app=" + uid(open),
                host),
            new Attempt("app encoded", 401, "GET", "/auth/envoy/x?%61pp=" + uid(open), host),
            new Attempt(
                "path that normalises to the nginx check",
                401,
                "GET",
                "/auth/envoy/..%2F..%2Fauth%3Fapp%3D" + uid(open),
                host),
            new Attempt(
                "dot segments back to the nginx check",
                401,
                "GET",
                "/auth/envoy/../../auth?app=" + uid(open),
                host),
            new Attempt(
                "ingress-nginx's header",
                401,
                "GET",
                "/auth/envoy/x",
                host,
                "X-Original-URL: https://" + host(open) + "/"),
            new Attempt(
                "Traefik's header",
                401,
                "GET",
                "/auth/envoy/x",
                host,
                "X-Forwarded-Host: " + host(open)),
            new Attempt(
                "RFC 7239 header",
                401,
                "GET",
                "/auth/envoy/x",
                host,
                "Forwarded: host=" + host(open)),
            new Attempt(
                "my token, the app I may reach in the query",
                403,
                "POST",
                "/auth/envoy/v1/predict?app=" + uid(mine),
                host,
                bearer),
            new Attempt(
                "two Host headers", 400, "GET", "/auth/envoy/x", host, "Host: " + host(open)));
    check(attempts);
  }

  @Test
  void traefikDecidesByItsForwardedHostAlone() {
    String forwarded = "X-Forwarded-Host: " + host(secret);
    List<Attempt> attempts =
        List.of(
            new Attempt(
                "app in the query", 401, "GET", "/auth/traefik?app=" + uid(open), forwarded),
            new Attempt(
                "ingress-nginx's header",
                401,
                "GET",
                "/auth/traefik",
                forwarded,
                "X-Original-URL: https://" + host(open) + "/"),
            new Attempt(
                "the check's own Host",
                401,
                "GET",
                "/auth/traefik",
                forwarded,
                "Host: " + host(open)),
            new Attempt(
                "app in the forwarded URI",
                401,
                "GET",
                "/auth/traefik",
                forwarded,
                "X-Forwarded-Uri: /?app=" + uid(open)),
            new Attempt(
                "a client's host kept in a list",
                400,
                "GET",
                "/auth/traefik",
                "X-Forwarded-Host: " + host(open) + ", " + host(secret)),
            new Attempt(
                "two forwarded hosts",
                400,
                "GET",
                "/auth/traefik",
                forwarded,
                "X-Forwarded-Host: " + host(open)),
            new Attempt(
                "no forwarded host, a Public app's Host",
                400,
                "GET",
                "/auth/traefik",
                "Host: " + host(open)));
    check(attempts);
  }

  @Test
  void ingressNginxDecidesByTheOperatorsAppParameterAlone() {
    String app = "/auth?app=" + uid(secret);
    List<Attempt> attempts =
        List.of(
            new Attempt(
                "every header names a Public app",
                401,
                "GET",
                app,
                "X-Original-URL: https://" + host(open) + "/",
                "X-Forwarded-Host: " + host(open),
                "Host: " + host(open)),
            new Attempt("a second app", 400, "GET", app + "&app=" + uid(open)),
            new Attempt(
                "a second app first",
                400,
                "GET",
                "/auth?app=" + uid(open) + "&" + app.substring(6)),
            new Attempt("no app, a Public app's Host", 400, "GET", "/auth", "Host: " + host(open)),
            new Attempt(
                "no app, a Public app's URL",
                400,
                "GET",
                "/auth",
                "X-Original-URL: https://" + host(open) + "/"),
            new Attempt("app in another case", 400, "GET", "/auth?APP=" + uid(open)),
            new Attempt("app padded", 400, "GET", "/auth?app=%20" + uid(open)),
            new Attempt(
                "my token, my app's URL",
                403,
                "GET",
                app,
                "Authorization: Bearer " + mineOnly,
                "X-Original-URL: https://" + host(mine) + "/"),
            new Attempt("a path under /auth", 404, "GET", "/auth/x?app=" + uid(open)));
    check(attempts);
  }

  @Test
  void pathsThatOtherParsersReadDifferentlyAreRefused() {
    List<Attempt> attempts =
        List.of(
            new Attempt("dot segments", 400, "GET", "/auth/../login?app=" + uid(open)),
            new Attempt("dot segment", 400, "GET", "/./auth?app=" + uid(open)),
            new Attempt("empty segment", 400, "GET", "//auth?app=" + uid(open)),
            new Attempt("encoded slash", 400, "GET", "/auth%2F..%2Flogin?app=" + uid(open)),
            new Attempt("encoded dots", 400, "GET", "/v1/apps/%2e%2e/" + uid(mine)),
            new Attempt("backslash", 400, "GET", "/login\\..\\auth?app=" + uid(open)),
            new Attempt("empty segment in the API", 400, "DELETE", "/v1//apps/" + uid(mine)));
    check(attempts);
  }

  @Test
  void aSpoofedForwardedForCannotLockOutAValidToken() {
    // The victim's address, claimed by the attacker in X-Forwarded-For (believed here because the
    // peer is loopback, a trusted proxy): five wrong tokens fill the victim's bucket.
    String victim = "X-Forwarded-For: 203.0.113.9";
    String path = "/auth?app=" + uid(mine);
    for (int i = 0; i < 5; i++) {
      assertThat(
              RawHttp.request(
                      gateway.port(),
                      "GET",
                      path,
                      victim,
                      "Authorization: Bearer " + TokenValue.generate())
                  .status())
          .isEqualTo(401);
    }
    assertThat(
            RawHttp.request(
                    gateway.port(),
                    "GET",
                    path,
                    victim,
                    "Authorization: Bearer " + TokenValue.generate())
                .status())
        .as("the bucket is full")
        .isEqualTo(429);
    // The victim's own valid token still works, on /auth and on the lifecycle API.
    assertThat(
            RawHttp.request(
                    gateway.port(), "GET", path, victim, "Authorization: Bearer " + mineOnly)
                .status())
        .isEqualTo(200);
    assertThat(
            RawHttp.request(
                    gateway.port(),
                    "GET",
                    "/v1/apps/" + uid(mine),
                    victim,
                    "Authorization: Bearer " + mineOnly)
                .status())
        .isEqualTo(200);
  }

  /**
   * h2c smuggling: behind a proxy that passes {@code Connection} and {@code Upgrade} on, a client
   * that upgrades its connection to the gateway to HTTP/2 talks to it past the proxy's rules, with
   * headers the gateway believes because the peer is the proxy. The gateway speaks HTTP/1.1 only.
   */
  @Test
  void noConnectionIsTurnedIntoHttp2() {
    String upgrade =
        "GET /auth?app="
            + uid(mine)
            + " HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer "
            + mineOnly
            + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
    assertThat(RawHttp.firstLine(gateway.port(), upgrade.getBytes(StandardCharsets.US_ASCII)))
        .as("the upgrade request is answered in HTTP/1.1, not switched to h2c")
        .isEqualTo("HTTP/1.1 200 OK");

    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] emptySettings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    byte[] priorKnowledge = new byte[preface.length + emptySettings.length];
    System.arraycopy(preface, 0, priorKnowledge, 0, preface.length);
    System.arraycopy(emptySettings, 0, priorKnowledge, preface.length, emptySettings.length);
    assertThat(RawHttp.firstLine(gateway.port(), priorKnowledge))
        .as("HTTP/2 with prior knowledge gets a refusal in text, not a SETTINGS frame")
        .matches("HTTP/\\S+ (400|501) .*");
  }

  @Test
  void aStaleDeleteCannotHitAnAppRecreatedUnderTheSameName() {
    AppEntry stale = AppEntry.from(mine);
    client.resource(mine).withTimeout(30, java.util.concurrent.TimeUnit.SECONDS).delete();
    AiApp recreated = createApp(client, ns, "mine", Map.of("group", "C"), Access.Token);
    assertThat(uid(recreated)).isNotEqualTo(stale.id());

    assertThatThrownBy(() -> LifecycleApi.deleteExactly(client, stale))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    AiApp still = client.resources(AiApp.class).inNamespace(ns).withName("mine").get();
    assertThat(still).isNotNull();
    assertThat(still.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(uid(still)).isEqualTo(uid(recreated));

    LifecycleApi.deleteExactly(client, AppEntry.from(recreated));
    await()
        .atMost(WAIT)
        .until(() -> client.resources(AiApp.class).inNamespace(ns).withName("mine").get() == null);
  }

  private void check(List<Attempt> attempts) {
    List<String> wrong = new ArrayList<>();
    for (Attempt attempt : attempts) {
      RawHttp.Response response =
          RawHttp.request(gateway.port(), attempt.method(), attempt.target(), attempt.headers());
      if (response.status() != attempt.expected()) {
        wrong.add(attempt.what() + ": " + response.status() + " instead of " + attempt.expected());
      }
    }
    assertThat(wrong).as("attempts answered otherwise than expected").isEmpty();
  }

  private static String host(AiApp app) {
    return uid(app) + "." + DOMAIN;
  }
}
