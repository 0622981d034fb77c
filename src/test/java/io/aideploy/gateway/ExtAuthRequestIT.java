package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Cors;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.config.Exposure;
import io.aideploy.config.Exposure.AuthImplementation;
import io.aideploy.config.Settings;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.ProxyCrds;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URLDecoder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway called exactly as Envoy Gateway's SecurityPolicy and Gateway API's ExternalAuth
 * filter say, with those objects as the operator wrote them to the real API server: the request
 * goes to the configured path plus the client's original path and query, with the original method
 * and Host and only the client headers the object lists (Authorization is always sent by the
 * ExternalAuth filter); the headers the proxy copies to the app are the listed answer headers. No
 * Envoy binary can be had here, so this test is the proxy, following each project's documented
 * request shape (SecurityPolicy extAuth.http.path: "the original request path will be appended";
 * GEP-1494 http.path: the prefix added to client paths).
 */
@ExtendWith(LocalControlPlane.class)
class ExtAuthRequestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static KubernetesClient client;
  private static Vertx vertx;
  private static GatewayRuntime gateway;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    ProxyCrds.install(
        client,
        ProxyCrds.HTTP_ROUTES,
        ProxyCrds.ENVOY_SECURITY_POLICIES,
        ProxyCrds.ISTIO_AUTHORIZATION_POLICIES);
    vertx = Vertx.vertx();
    gateway =
        GatewayRuntime.start(
            client, TestOperator.settings(), new SimpleMeterRegistry(), Clock.systemUTC(), vertx);
    await().atMost(WAIT).until(gateway::isReady);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** What a proxy takes from the object the operator wrote. */
  private record Config(String path, List<String> requestHeaders, List<String> responseHeaders) {

    /** The check for a client request, as the proxy sends it: filtered headers, Host kept. */
    RawHttp.Response check(String method, String host, String target, String... clientHeaders) {
      List<String> sent = new ArrayList<>(List.of("Host: " + host));
      for (String header : clientHeaders) {
        String name = header.substring(0, header.indexOf(':')).trim();
        if (requestHeaders.stream().anyMatch(h -> h.equalsIgnoreCase(name))) {
          sent.add(header);
        }
      }
      return RawHttp.request(gateway.port(), method, path + target, sent.toArray(String[]::new));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AuthImplementation.class,
      names = {"ENVOY_GATEWAY", "EXTERNAL_AUTH", "ISTIO"})
  void theGatewayAnswersTheRequestTheWrittenObjectMakesTheProxySend(AuthImplementation auth) {
    String ns = TestNamespaces.create(client, "extauth");
    AiApp secret;
    AiApp open;
    GenericKubernetesResource written;
    // The operator writes the objects; it is stopped before the tokens are created, whose values
    // the test publishes itself (TestResources), as in the other gateway tests.
    try (TestOperator operator = TestOperator.start(client, settings(ns, auth))) {
      secret = createApp(client, ns, "secret", Map.of("group", "A"), Access.Token);
      open = createApp(client, ns, "open", Map.of("group", "B"), Access.Public);
      written = await().atMost(WAIT).until(() -> attachment(auth, ns, secret), o -> o != null);
    }
    Config config = config(auth, written);
    assertThat(config.path()).isEqualTo("/auth/envoy");
    String reader = createToken(client, ns, "reader", Role.Reader, "group=A", null);
    String other = createToken(client, ns, "other", Role.Reader, "group=C", null);
    String host = uid(secret) + "." + TestOperator.BASE_DOMAIN;
    String openHost = uid(open) + "." + TestOperator.BASE_DOMAIN;
    String bearer = "Authorization: Bearer " + reader;
    await().atMost(WAIT).until(() -> config.check("GET", host, "/", bearer).status() == 200);

    RawHttp.Response allowed = config.check("POST", host, "/v1/predict?q=1", bearer);
    assertThat(allowed.status()).isEqualTo(200);
    // The identity the proxy copies onto the request to the app.
    assertThat(config.responseHeaders())
        .map(h -> h.toLowerCase(java.util.Locale.ROOT))
        .containsExactly("x-aideploy-token", "x-aideploy-role");
    assertThat(allowed.header("X-Aideploy-Token")).isEqualTo("reader");
    assertThat(allowed.header("X-Aideploy-Role")).isEqualTo("Reader");

    String page = "Accept: text/html,application/xhtml+xml";
    RawHttp.Response browser = config.check("GET", host, "/chat?q=a%20b&x=1", page);
    assertThat(browser.status()).isEqualTo(303);
    String prefix = TestOperator.LOGIN_URL + "?rd=";
    assertThat(browser.header("Location")).startsWith(prefix);
    assertThat(URLDecoder.decode(browser.header("Location").substring(prefix.length()), UTF_8))
        .isEqualTo("https://" + host + "/chat?q=a%20b&x=1");
    assertThat(config.check("GET", host, "/chat", "Accept: application/json").status())
        .isEqualTo(401);
    assertThat(config.check("GET", host, "/", "Authorization: Bearer " + other).status())
        .isEqualTo(403);
    assertThat(config.check("GET", openHost, "/").status()).isEqualTo(200);

    // Hostile client-controlled parts: the original path and query, and headers. Only Host names
    // the app; a proxy that forwarded every header would not change that either.
    List<String> wrong = new ArrayList<>();
    for (String target :
        List.of(
            "/x?app=" + uid(open),
            "/../../auth?app=" + uid(open),
            "/..%2F..%2Fauth%3Fapp%3D" + uid(open),
            "?app=" + uid(open))) {
      int status = config.check("GET", host, target).status();
      if (status != 401) {
        wrong.add(target + ": " + status);
      }
    }
    for (String forged :
        List.of(
            "X-Forwarded-Host: " + openHost,
            "X-Original-URL: https://" + openHost + "/",
            "Forwarded: host=" + openHost)) {
      int status =
          RawHttp.request(gateway.port(), "GET", config.path() + "/", "Host: " + host, forged)
              .status();
      if (status != 401) {
        wrong.add(forged + ": " + status);
      }
    }
    assertThat(wrong).as("hostile requests answered otherwise than 401").isEmpty();
    // A port in Host (the proxy serves the route for it too, and Istio's policy lists "host:*"):
    // the same app, the same decisions.
    assertThat(config.check("GET", host + ":443", "/", bearer).status()).isEqualTo(200);
    assertThat(config.check("GET", host + ":443", "/").status()).isEqualTo(401);
    // Two Host headers: malformed, refused before anything else.
    assertThat(
            RawHttp.request(
                    gateway.port(),
                    "GET",
                    config.path() + "/",
                    "Host: " + host,
                    "Host: " + openHost)
                .status())
        .isEqualTo(400);

    // CORS (docs/apps.md): once the app lists an origin, its preflight passes only because the
    // written object lets Origin and Access-Control-Request-Method through, and a method override
    // still disqualifies it because the object lets that through too.
    client
        .resources(AiApp.class)
        .inNamespace(ns)
        .withName("secret")
        .edit(
            app -> {
              Cors cors = new Cors();
              cors.setAllowedOrigins(List.of("https://ui.example.com"));
              app.getSpec().setCors(cors);
              return app;
            });
    String origin = "Origin: https://ui.example.com";
    String acrm = "Access-Control-Request-Method: POST";
    await()
        .atMost(WAIT)
        .until(() -> config.check("OPTIONS", host, "/v1/predict", origin, acrm).status() == 200);
    assertThat(
            config
                .check("OPTIONS", host, "/v1/predict", origin, acrm, "X-HTTP-Method-Override: PUT")
                .status())
        .isEqualTo(401);
  }

  private static Settings settings(String ns, AuthImplementation auth) {
    // Istio's policy lives in the Gateway's namespace: here the test's own.
    String gatewayNamespace = auth == AuthImplementation.ISTIO ? ns : "edge";
    return TestOperator.settingsWatching(ns).toBuilder()
        .exposure(
            Exposure.gatewayApi(
                new Exposure.ParentGateway(gatewayNamespace, "public", null),
                auth,
                Exposure.ServiceAddress.of(TestOperator.GATEWAY_URL)))
        .build();
  }

  /**
   * The object that carries the auth configuration: the SecurityPolicy, the HTTPRoute, or Istio's
   * AuthorizationPolicy (found by the app's ovh/id, in the Gateway's namespace).
   */
  private static GenericKubernetesResource attachment(
      AuthImplementation auth, String ns, AiApp app) {
    if (auth == AuthImplementation.ISTIO) {
      return client
          .genericKubernetesResources("security.istio.io/v1", "AuthorizationPolicy")
          .inNamespace(ns)
          .withLabel("ovh/id", uid(app))
          .list()
          .getItems()
          .stream()
          .findFirst()
          .orElse(null);
    }
    return auth == AuthImplementation.ENVOY_GATEWAY
        ? client
            .genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
            .inNamespace(ns)
            .withName("secret")
            .get()
        : client
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
            .inNamespace(ns)
            .withName("secret")
            .get();
  }

  @SuppressWarnings("unchecked")
  private static Config config(AuthImplementation auth, GenericKubernetesResource written) {
    if (auth == AuthImplementation.ISTIO) {
      return istioConfig(written);
    }
    if (auth == AuthImplementation.ENVOY_GATEWAY) {
      return new Config(
          written.get("spec", "extAuth", "http", "path"),
          written.get("spec", "extAuth", "headersToExtAuth"),
          written.get("spec", "extAuth", "http", "headersToBackend"));
    }
    Map<String, Object> http =
        written.get("spec", "rules", 0, "filters", 0, "externalAuth", "http");
    List<String> allowed = new ArrayList<>((List<String>) http.get("allowedHeaders"));
    // GEP-1494: Host, Method, Path, Content-Length and Authorization are always sent.
    allowed.add("Authorization");
    return new Config(
        (String) http.get("path"), allowed, (List<String>) http.get("allowedResponseHeaders"));
  }

  /**
   * Istio: the policy says which hosts go to which extension provider; the provider's settings are
   * the mesh configuration of docs/istio.md, read from the page itself. Istio sends Host, method,
   * path and Content-Length, plus includeRequestHeadersInCheck.
   */
  @SuppressWarnings("unchecked")
  private static Config istioConfig(GenericKubernetesResource policy) {
    Map<String, Object> provider = IstioMeshConfig.provider(policy.get("spec", "provider", "name"));
    Map<String, Object> http = (Map<String, Object>) provider.get("envoyExtAuthzHttp");
    assertThat(policy.<Object>get("spec", "action")).isEqualTo("CUSTOM");
    List<String> hosts = policy.get("spec", "rules", 0, "to", 0, "operation", "hosts");
    String host = policy.getMetadata().getLabels().get("ovh/id") + "." + TestOperator.BASE_DOMAIN;
    assertThat(hosts).containsExactly(host, host + ":*");
    return new Config(
        (String) http.get("pathPrefix"),
        (List<String>) http.get("includeRequestHeadersInCheck"),
        (List<String>) http.get("headersToUpstreamOnAllow"));
  }
}
