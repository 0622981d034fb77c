package io.aideploy.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.PodNetwork;
import io.aideploy.testing.ProxyCrds;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateway API exposure behind real Traefik v3: the operator ({@code --exposure gateway-api
 * --gateway-auth traefik}) writes each app's HTTPRoute and ForwardAuth Middleware; Traefik's {@code
 * kubernetesGateway} provider attaches the route to a Gateway of its own GatewayClass, its {@code
 * kubernetesCRD} provider turns the Middleware named by the route's ExtensionRef filter into a
 * ForwardAuth to the gateway's {@code /auth/traefik}. curl → Traefik (HTTPS, the Gateway's listener
 * on port 443) → the gateway → the app's Pod on {@link PodNetwork}.
 */
@ExtendWith(LocalControlPlane.class)
class TraefikGatewayApiE2E {
  private static final String GATEWAY = "traefik-gateway";
  private static final String LISTENER = "websecure";
  private static final int PUBLIC_PORT = 9090;

  private static IngressStack stack;
  private static TraefikProcess traefik;
  private static PodNetwork network;
  private static KubernetesClient client;
  private static String gatewayClass;
  private static String helloHost;
  private static String reader;
  private static Pod helloPod;
  private static String helloServer;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient kubernetes)
      throws Exception {
    client = kubernetes;
    ProxyCrds.install(
        client,
        ProxyCrds.GATEWAY_CLASSES,
        ProxyCrds.GATEWAYS,
        ProxyCrds.HTTP_ROUTES,
        ProxyCrds.GRPC_ROUTES,
        ProxyCrds.REFERENCE_GRANTS,
        ProxyCrds.BACKEND_TLS_POLICIES);
    ProxyCrds.installGroup(client, "traefik.io");
    String namespace = TestNamespaces.create(kubernetes, "traefik-gwapi");
    stack =
        new IngressStack(
            cluster,
            namespace,
            List.of(
                "--exposure=gateway-api",
                "--gateway-parent=" + namespace + "/" + GATEWAY + "/" + LISTENER,
                "--gateway-auth=traefik"));
    traefik = TraefikProcess.gatewayApi(cluster, namespace, IngressStack.BASE_DOMAIN);
    // The Gateway Traefik owns: its listener on 443 (the websecure entrypoint's port) with the
    // certificate Traefik's file provider also has, for every app host.
    gatewayClass = "aideploy-" + namespace;
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("wildcard-tls")
                .withNamespace(namespace)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", Files.readString(traefik.dir.resolve("tls.crt")))
                .addToStringData("tls.key", Files.readString(traefik.dir.resolve("tls.key")))
                .build())
        .create();
    stack.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: %s}
        spec: {controllerName: traefik.io/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s}
        spec:
          gatewayClassName: %s
          listeners:
            - name: %s
              protocol: HTTPS
              port: 443
              hostname: "*.%s"
              tls:
                mode: Terminate
                certificateRefs: [{kind: Secret, name: wildcard-tls}]
              allowedRoutes: {namespaces: {from: Same}}
        """
            .formatted(gatewayClass, GATEWAY, gatewayClass, LISTENER, IngressStack.BASE_DOMAIN));
    stack.apply(IngressStack.HELLO_AND_TOKENS);
    helloHost = stack.appId("hello") + "." + IngressStack.BASE_DOMAIN;
    reader = stack.tokenValue("reader-token", null);

    network = PodNetwork.create(client);
    List<Pod> pods = network.serveApp(stack.namespace, "hello", 8080);
    assertThat(pods).hasSize(1);
    helloPod = pods.get(0);
    helloServer = "http://" + network.ip(helloPod) + ":8080";
  }

  @AfterAll
  static void stop() throws Exception {
    List<Exception> errors = new ArrayList<>();
    if (traefik != null) {
      System.err.println("Traefik log: " + traefik.dir.resolve("traefik.log"));
      closeInto(errors, traefik);
    }
    if (network != null) {
      closeInto(errors, network);
    }
    if (stack != null) {
      System.err.println("aideploy log: " + stack.dir.resolve("aideploy.log"));
      closeInto(errors, stack);
    }
    if (gatewayClass != null) {
      client
          .genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
          .withName(gatewayClass)
          .delete();
    }
    if (!errors.isEmpty()) {
      Exception failure = errors.get(0);
      errors.subList(1, errors.size()).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  @Test
  void traefikRoutesTheHttpRouteThroughTheOperatorsForwardAuthMiddleware() {
    JsonNode router = router(helloHost);
    assertThat(router.path("status").asText()).isEqualTo("enabled");
    assertThat(router.path("entryPoints")).extracting(JsonNode::asText).containsExactly(LISTENER);
    String middlewareName = stack.namespace + "-hello@kubernetescrd";
    assertThat(router.path("middlewares"))
        .extracting(JsonNode::asText)
        .containsExactly(middlewareName);
    JsonNode middleware =
        await()
            .atMost(TraefikProcess.WAIT)
            .until(
                () ->
                    traefik.findOne(
                        "/api/http/middlewares",
                        "kubernetescrd",
                        m -> m.path("name").asText().equals(middlewareName)),
                Objects::nonNull);
    JsonNode forwardAuth = middleware.path("forwardAuth");
    assertThat(forwardAuth.path("address").asText()).endsWith("/auth/traefik");
    assertThat(forwardAuth.path("trustForwardHeader").asBoolean()).isFalse();
    assertThat(forwardAuth.path("authRequestHeaders"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "Authorization",
            "Cookie",
            "Accept",
            "Origin",
            "Access-Control-Request-Method",
            "X-HTTP-Method-Override",
            "X-HTTP-Method",
            "X-Method-Override");
    assertThat(forwardAuth.path("authResponseHeaders"))
        .extracting(JsonNode::asText)
        .containsExactly("X-Aideploy-Token", "X-Aideploy-Role");
    assertThat(forwardAuth.path("maxResponseBodySize").asLong()).isEqualTo(65536);
    traefik.awaitServers(router, List.of(helloServer));
  }

  @Test
  void aReaderTokenReachesTheAppWhichGetsTheGatewaysIdentityHeadersNotTheClients() {
    traefik.awaitServers(router(helloHost), List.of(helloServer));
    int before = network.requests(helloPod).size();
    Curl.Answer answer =
        traefik.request(
            helloHost,
            "/chat?q=1",
            "-H",
            "Authorization: Bearer " + reader,
            "-H",
            "X-Aideploy-Token: " + stack.namespace + "/someone-else",
            "-H",
            "X-Aideploy-Role: Operator");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    List<PodNetwork.Request> received = network.requests(helloPod);
    assertThat(received).hasSize(before + 1);
    PodNetwork.Request request = received.get(before);
    assertThat(request.path()).isEqualTo("/chat?q=1");
    assertThat(request.header("Host")).isEqualTo(helloHost);
    assertThat(request.headers().get("X-Aideploy-Token")).containsExactly("reader-token");
    assertThat(request.headers().get("X-Aideploy-Role")).containsExactly("Reader");
  }

  @Test
  void withoutATokenBrowsersAreSentToSignInWithTheFullAddressAndScriptsGet401() {
    awaitRouted(helloHost);
    int before = network.requests(helloPod).size();
    String path = "/chat?q=a%20b&x=1";
    Curl.Answer browser = traefik.request(helloHost, path, "-H", "Accept: text/html");
    assertThat(browser.status()).as(browser.toString()).isEqualTo(303);
    String prefix = "https://" + IngressStack.LOGIN_HOST + "/login?rd=";
    assertThat(browser.location()).startsWith(prefix);
    assertThat(URLDecoder.decode(browser.location().substring(prefix.length()), UTF_8))
        .isEqualTo("https://" + helloHost + path);

    Curl.Answer script = traefik.request(helloHost, path);
    assertThat(script.status()).as(script.toString()).isEqualTo(401);
    assertThat(script.headers())
        .containsIgnoringCase("WWW-Authenticate: Bearer realm=\"aideploy\"");
    assertThat(network.requests(helloPod)).hasSize(before);
  }

  @Test
  void aTokenForOtherAppsGets403AndTheAppGetsNothing() {
    awaitRouted(helloHost);
    int before = network.requests(helloPod).size();
    String other = stack.tokenValue("group-b-token", null);
    Curl.Answer answer = traefik.request(helloHost, "/", "-H", "Authorization: Bearer " + other);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
    assertThat(network.requests(helloPod)).hasSize(before);
  }

  @Test
  void afterRegenerationTheOldValueIsRefusedAndTheNewOneReachesTheApp() {
    traefik.awaitServers(router(helloHost), List.of(helloServer));
    String old = stack.tokenValue("rotating-token", null);
    Curl.Answer before =
        traefik.request(helloHost, "/before", "-H", "Authorization: Bearer " + old);
    assertThat(before.status()).as(before.toString()).isEqualTo(200);

    stack.regenerate("rotating-token");
    String renewed = stack.tokenValue("rotating-token", old);
    await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () -> traefik.request(helloHost, "/old", "-H", "Authorization: Bearer " + old).status(),
            s -> s == 401);
    Curl.Answer answer =
        await()
            .atMost(TraefikProcess.WAIT)
            .until(
                () -> traefik.request(helloHost, "/new", "-H", "Authorization: Bearer " + renewed),
                a -> a.status() != 401);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(
            network.requests(helloPod).stream()
                .filter(r -> ("Bearer " + old).equals(r.header("Authorization")))
                .map(PodNetwork.Request::path))
        .containsExactly("/before");
  }

  @Test
  void aPublicAppAnswersWithoutATokenAndItsRouteHasNoMiddleware() throws Exception {
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: open, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world, access: Public, port: %d}
        """
            .formatted(PUBLIC_PORT));
    String openHost = stack.appId("open") + "." + IngressStack.BASE_DOMAIN;
    List<Pod> pods = network.serveApp(stack.namespace, "open", PUBLIC_PORT);
    Pod openPod = pods.get(0);
    JsonNode router = router(openHost);
    traefik.awaitServers(router, List.of("http://" + network.ip(openPod) + ":" + PUBLIC_PORT));
    assertThat(router.has("middlewares")).isFalse();

    Curl.Answer answer = traefik.request(openHost, "/");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    assertThat(network.requests(openPod).get(0).headers())
        .doesNotContainKeys("X-Aideploy-Token", "X-Aideploy-Role");
  }

  // --- helpers ---------------------------------------------------------------------------

  /** The first answer from Traefik that is not its own 404 (no router for the host yet). */
  private static void awaitRouted(String host) {
    await()
        .atMost(TraefikProcess.WAIT)
        .until(() -> traefik.request(host, "/"), a -> a.status() != 404);
  }

  /** The Gateway provider's router for {@code host}'s HTTPRoute, once there is one. */
  private static JsonNode router(String host) {
    return await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () ->
                traefik.findOne(
                    "/api/http/routers",
                    "kubernetesgateway",
                    r -> r.path("rule").asText().startsWith("Host(\"" + host + "\")")),
            Objects::nonNull);
  }

  private static void closeInto(List<Exception> errors, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      errors.add(e);
    }
  }
}
