package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.aideploy.app.dependent.IngressDependent;
import io.aideploy.app.dependent.ServiceDependent;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.PodNetwork;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's Ingress and Service, unmodified, read by real Traefik v3 through its {@code
 * kubernetesIngressNGINX} provider: curl → Traefik's ForwardAuth middleware built from {@code
 * auth-url} → the gateway's {@code /auth?app=<id>} → the app's Pod.
 *
 * <p>The local control plane has no kubelet; {@link PodNetwork} stands in for it: the app's Pods
 * get real IPs in a network namespace of their own, a stand-in server on the Service's target port,
 * and Ready status on a fake Node, so that the real EndpointSlice controller publishes them and
 * Traefik's load balancer has them as servers. Every request below goes through Traefik over HTTPS,
 * and what reached the app is read from the stand-in's own record.
 */
@ExtendWith(LocalControlPlane.class)
class TraefikIngressE2E {
  private static final String PROVIDER = "kubernetesingressnginx";
  private static final int PUBLIC_PORT = 9090;

  private static IngressStack stack;
  private static TraefikProcess traefik;
  private static PodNetwork network;
  private static KubernetesClient client;
  private static String hello;
  private static String helloHost;
  private static String reader;
  private static Pod helloPod;
  private static String helloServer;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient kubernetes)
      throws Exception {
    client = kubernetes;
    stack = new IngressStack(cluster, TestNamespaces.create(kubernetes, "traefik-e2e"));
    stack.apply(IngressStack.HELLO_AND_TOKENS);
    // What installing ingress-nginx leaves in a cluster, and what Traefik's provider looks for:
    // with no IngressClass of controller k8s.io/ingress-nginx it ignores Ingresses that name a
    // class (shouldProcessIngress in pkg/provider/kubernetes/ingress-nginx/kubernetes.go).
    LocalControlPlane.CommandResult ingressClass =
        cluster.kubectl(
            "apply",
            "-f",
            Files.writeString(
                    Files.createTempFile(stack.dir, "ingressclass", ".yaml"),
                    """
                    apiVersion: networking.k8s.io/v1
                    kind: IngressClass
                    metadata: {name: nginx}
                    spec: {controller: k8s.io/ingress-nginx}
                    """)
                .toString());
    assertThat(ingressClass.exitCode()).as(ingressClass.output()).isZero();
    hello = stack.appId("hello");
    helloHost = hello + "." + IngressStack.BASE_DOMAIN;
    reader = stack.tokenValue("reader-token", null);

    network = PodNetwork.create(client);
    // The app's Pods answer on the Service's target port: spec.port, 8080 by default.
    int port = targetPort(awaitService("hello"));
    assertThat(port).isEqualTo(8080);
    List<Pod> pods = network.serveApp(stack.namespace, "hello", port);
    assertThat(pods).hasSize(1);
    helloPod = pods.get(0);
    helloServer = "http://" + network.ip(helloPod) + ":" + port;

    traefik = new TraefikProcess(cluster, stack.namespace, IngressStack.BASE_DOMAIN);
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
    if (!errors.isEmpty()) {
      Exception failure = errors.get(0);
      errors.subList(1, errors.size()).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  @Test
  void traefikTurnsTheUnmodifiedIngressIntoARouterWithForwardAuthToTheAuthUrl() {
    Ingress ingress =
        client.network().v1().ingresses().inNamespace(stack.namespace).withName("hello").get();
    String authUrl = ingress.getMetadata().getAnnotations().get(IngressDependent.AUTH_URL);
    assertThat(authUrl).endsWith("/auth?app=" + hello);
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");

    JsonNode middleware =
        await()
            .atMost(TraefikProcess.WAIT)
            .until(
                () ->
                    findOne(
                        "/api/http/middlewares",
                        m -> m.path("forwardAuth").path("address").asText().equals(authUrl)),
                Objects::nonNull);
    // The auth-url as it is, query included: the gateway finds the app from ?app= alone.
    assertThat(middleware.path("forwardAuth").path("authResponseHeaders"))
        .extracting(JsonNode::asText)
        .containsExactly("X-Aideploy-Token", "X-Aideploy-Role");
    // Traefik's defaults with this provider: the entrypoint's own X-Forwarded-* are sent, and every
    // client header (no authRequestHeaders list).
    assertThat(middleware.path("forwardAuth").path("trustForwardHeader").asBoolean()).isFalse();
    assertThat(middleware.path("forwardAuth").has("authRequestHeaders")).isFalse();

    JsonNode router = router(helloHost);
    assertThat(router.path("status").asText()).isEqualTo("enabled");
    assertThat(router.path("tls").isObject()).as("TLS from the websecure entrypoint").isTrue();
    assertThat(router.path("middlewares"))
        .extracting(JsonNode::asText)
        .containsExactly(middleware.path("name").asText());
  }

  @Test
  void theEndpointSliceControllerPublishesThePodUnderTheServicePortsNameAndTraefikUsesIt() {
    Service service = awaitService("hello");
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getName()).isEqualTo("http");
    assertThat(port.getPort()).isEqualTo(ServiceDependent.PORT);

    // What the real EndpointSlice controller wrote: the Pod's IP, ready, on the target port under
    // the Service port's name, which Traefik matches (and dereferences without a nil check).
    String ip = network.ip(helloPod);
    EndpointSlice slice = network.awaitReadyEndpoint(stack.namespace, "hello", ip);
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(8080);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });

    // Traefik's load balancer for the router has exactly the Pod as its server.
    JsonNode lb = awaitServers(helloHost, List.of(helloServer));
    assertThat(lb.path("status").asText()).isEqualTo("enabled");
  }

  @Test
  void aReaderTokenReachesTheAppWhichGetsTheGatewaysIdentityHeadersNotTheClients() {
    awaitServers(helloHost, List.of(helloServer));
    int before = network.requests(helloPod).size();

    Curl.Answer answer =
        traefik.request(
            helloHost,
            "/chat?q=1",
            "-H",
            "Authorization: Bearer " + reader,
            // Forged: Traefik deletes these and copies the gateway's answer instead.
            "-H",
            "X-Aideploy-Token: " + stack.namespace + "/someone-else",
            "-H",
            "X-Aideploy-Role: Operator");

    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    List<PodNetwork.Request> received = network.requests(helloPod);
    assertThat(received).hasSize(before + 1);
    PodNetwork.Request request = received.get(before);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.path()).isEqualTo("/chat?q=1");
    assertThat(request.header("Host")).isEqualTo(helloHost);
    assertThat(request.header("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(request.headers().get("X-Aideploy-Token")).containsExactly("reader-token");
    assertThat(request.headers().get("X-Aideploy-Role")).containsExactly("Reader");
    awaitAudit(
        "result=allow reason=token_ok token="
            + stack.namespace
            + "/reader-token app="
            + hello
            + " ");
  }

  @Test
  void withoutATokenTraefikReturnsTheGateways401AndTheAppGetsNothing() {
    awaitRouted(helloHost, "/");
    int before = network.requests(helloPod).size();
    // A client that is not a browser (curl's Accept: */*).
    Curl.Answer answer = traefik.request(helloHost, "/chat?q=1");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
    assertThat(answer.headers())
        .containsIgnoringCase("WWW-Authenticate: Bearer realm=\"aideploy\"");
    assertThat(answer.body()).isEqualTo("unauthenticated\n");
    awaitAudit("result=unauthenticated reason=no_token token=- app=" + hello + " ");
    // A wrong value is the same 401.
    assertThat(traefik.request(helloHost, "/", "-H", "Authorization: Bearer aid_nope").status())
        .isEqualTo(401);
    assertThat(network.requests(helloPod)).hasSize(before);
  }

  @Test
  void aTokenForOtherAppsGets403AndTheAppGetsNothing() {
    awaitRouted(helloHost, "/");
    int before = network.requests(helloPod).size();
    String other = stack.tokenValue("group-b-token", null);
    Curl.Answer answer = traefik.request(helloHost, "/", "-H", "Authorization: Bearer " + other);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
    awaitAudit(
        "result=forbidden reason=out_of_scope token="
            + stack.namespace
            + "/group-b-token app="
            + hello
            + " ");
    assertThat(network.requests(helloPod)).hasSize(before);
    assertThat(requestsWith(other)).isEmpty();
  }

  @Test
  void afterRegenerationTheOldValueGets401AndTheNewOneReachesTheApp() {
    awaitServers(helloHost, List.of(helloServer));
    String old = stack.tokenValue("rotating-token", null);
    Curl.Answer before =
        traefik.request(helloHost, "/before", "-H", "Authorization: Bearer " + old);
    assertThat(before.status()).as(before.toString()).isEqualTo(200);

    stack.regenerate("rotating-token");
    String renewed = stack.tokenValue("rotating-token", old);
    assertThat(renewed).isNotEqualTo(old);

    // The gateway learns of the new value from the Secret: the old one stops working.
    await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () -> traefik.request(helloHost, "/old", "-H", "Authorization: Bearer " + old).status(),
            s -> s == 401);
    long oldReached = requestsWith(old).size();
    Curl.Answer rejected = traefik.request(helloHost, "/old", "-H", "Authorization: Bearer " + old);
    assertThat(rejected.status()).as(rejected.toString()).isEqualTo(401);
    assertThat(requestsWith(old)).hasSize((int) oldReached);

    Curl.Answer answer =
        await()
            .atMost(TraefikProcess.WAIT)
            .until(
                () -> traefik.request(helloHost, "/new", "-H", "Authorization: Bearer " + renewed),
                a -> a.status() != 401);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    List<PodNetwork.Request> withNew = requestsWith(renewed);
    assertThat(withNew).isNotEmpty();
    PodNetwork.Request last = withNew.get(withNew.size() - 1);
    assertThat(last.path()).isEqualTo("/new");
    assertThat(last.headers().get("X-Aideploy-Token")).containsExactly("rotating-token");
    assertThat(last.headers().get("X-Aideploy-Role")).containsExactly("Reader");
  }

  @Test
  void aPublicAppIsServedWithoutATokenThroughTraefik() throws Exception {
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: open, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world, access: Public, port: %d}
        """
            .formatted(PUBLIC_PORT));
    String openHost = stack.appId("open") + "." + IngressStack.BASE_DOMAIN;
    int port = targetPort(awaitService("open"));
    assertThat(port).isEqualTo(PUBLIC_PORT);
    List<Pod> pods = network.serveApp(stack.namespace, "open", port);
    assertThat(pods).hasSize(1);
    Pod openPod = pods.get(0);
    String openServer = "http://" + network.ip(openPod) + ":" + port;

    awaitServers(openHost, List.of(openServer));
    // No auth-url on a Public app's Ingress, so no ForwardAuth on its router.
    assertThat(router(openHost).has("middlewares")).isFalse();

    Curl.Answer answer = traefik.request(openHost, "/");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    List<PodNetwork.Request> received = network.requests(openPod);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).header("Host")).isEqualTo(openHost);
    // No ForwardAuth, so no identity from the gateway (docs/gateway.md: Public apps must not
    // trust these headers).
    assertThat(received.get(0).headers()).doesNotContainKeys("X-Aideploy-Token", "X-Aideploy-Role");
  }

  // --- helpers ---------------------------------------------------------------------------

  private static Service awaitService(String name) {
    return await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () -> client.services().inNamespace(stack.namespace).withName(name).get(),
            Objects::nonNull);
  }

  private static int targetPort(Service service) {
    assertThat(service.getSpec().getPorts()).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    // Traefik v3.6.12 reads the EndpointSlice port's name without a nil check: it must have one.
    assertThat(port.getName()).as("Service port name").isNotBlank();
    assertThat(port.getTargetPort().getIntVal()).as("numeric target port").isNotNull();
    return port.getTargetPort().getIntVal();
  }

  /** The requests the hello Pod received with {@code Authorization: Bearer <value>}. */
  private static List<PodNetwork.Request> requestsWith(String value) {
    return network.requests(helloPod).stream()
        .filter(r -> ("Bearer " + value).equals(r.header("Authorization")))
        .toList();
  }

  /** The first answer from Traefik that is not its own 404 (no router for the host yet). */
  private static Curl.Answer awaitRouted(String host, String path) {
    return await()
        .atMost(TraefikProcess.WAIT)
        .until(() -> traefik.request(host, path), a -> a.status() != 404);
  }

  /** Waits for the gateway's audit line containing {@code part} (route=auth, from Traefik). */
  private static void awaitAudit(String part) {
    await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () ->
                Files.readAllLines(stack.dir.resolve("aideploy.log")).stream()
                    .anyMatch(l -> l.contains("[audit] route=auth ") && l.contains(part)));
  }

  /** The provider's router for {@code host}, once there is one. */
  private static JsonNode router(String host) {
    String rule = "Host(\"" + host + "\") && PathPrefix(\"/\")";
    return await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () -> findOne("/api/http/routers", r -> r.path("rule").asText().equals(rule)),
            Objects::nonNull);
  }

  /** The load balancer behind {@code host}'s router, once it has exactly {@code servers}. */
  private static JsonNode awaitServers(String host, List<String> servers) {
    return traefik.awaitServers(router(host), servers);
  }

  private static JsonNode findOne(String path, Predicate<JsonNode> matches) {
    return traefik.findOne(path, PROVIDER, matches);
  }

  private static void closeInto(List<Exception> errors, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      errors.add(e);
    }
  }
}
