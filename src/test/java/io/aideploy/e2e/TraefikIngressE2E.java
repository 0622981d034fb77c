package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.app.dependent.IngressDependent;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's Ingress, unmodified, read by real Traefik v3 through its {@code
 * kubernetesIngressNGINX} provider: curl → Traefik's ForwardAuth middleware built from {@code
 * auth-url} → the gateway's {@code /auth?app=<id>}.
 *
 * <p>The local control plane has no kubelet, so the app's Service has no endpoints. Traefik still
 * builds the router (a load balancer without servers), so everything up to the backend is real: the
 * gateway's 401 and 403 come back through Traefik, and a valid token gets past the ForwardAuth and
 * then finds no server (Traefik's 503). Reaching the app needs the pod-network helper.
 */
@ExtendWith(LocalControlPlane.class)
class TraefikIngressE2E {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static IngressStack stack;
  private static TraefikProcess traefik;
  private static KubernetesClient client;
  private static String hello;
  private static String helloHost;
  private static String reader;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient kubernetes)
      throws Exception {
    client = kubernetes;
    stack = new IngressStack(cluster, TestNamespaces.create(kubernetes, "traefik-e2e"));
    stack.apply(
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
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: group-b-token}
        spec: {role: Reader, labelSelector: group=B}
        """);
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
    traefik = new TraefikProcess(cluster, stack.namespace, IngressStack.BASE_DOMAIN);
  }

  @AfterAll
  static void stop() throws Exception {
    if (traefik != null) {
      System.err.println("Traefik log: " + traefik.dir.resolve("traefik.log"));
      traefik.close();
    }
    if (stack != null) {
      System.err.println("aideploy log: " + stack.dir.resolve("aideploy.log"));
      stack.close();
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
        await().atMost(TraefikProcess.WAIT).until(TraefikIngressE2E::forwardAuth, m -> m != null);
    // The auth-url as it is, query included: the gateway finds the app from ?app= alone.
    assertThat(middleware.path("forwardAuth").path("address").asText()).isEqualTo(authUrl);
    assertThat(middleware.path("forwardAuth").path("authResponseHeaders"))
        .extracting(JsonNode::asText)
        .containsExactly("X-Aideploy-Token", "X-Aideploy-Role");
    // Traefik's defaults with this provider: the entrypoint's own X-Forwarded-* are sent, and every
    // client header (no authRequestHeaders list).
    assertThat(middleware.path("forwardAuth").path("trustForwardHeader").asBoolean()).isFalse();
    assertThat(middleware.path("forwardAuth").has("authRequestHeaders")).isFalse();

    JsonNode router = router();
    assertThat(router.path("rule").asText())
        .isEqualTo("Host(\"" + helloHost + "\") && PathPrefix(\"/\")");
    assertThat(router.path("status").asText()).isEqualTo("enabled");
    assertThat(router.path("tls").isObject()).as("TLS from the websecure entrypoint").isTrue();
  }

  @Test
  void withoutATokenTraefikReturnsTheGateways401() {
    Curl.Answer answer = awaitRouted(helloHost, "/chat?q=1");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.headers())
        .containsIgnoringCase("WWW-Authenticate: Bearer realm=\"aideploy\"");
    assertThat(answer.body()).isEqualTo("unauthenticated\n");
    awaitAudit("result=unauthenticated reason=no_token token=- app=" + hello + " ");
    // A wrong value is the same 401.
    assertThat(traefik.request(helloHost, "/", "-H", "Authorization: Bearer aid_nope").status())
        .isEqualTo(401);
  }

  @Test
  void aTokenForOtherAppsGets403() {
    awaitRouted(helloHost, "/");
    String other = stack.tokenValue("group-b-token", null);
    Curl.Answer answer = traefik.request(helloHost, "/", "-H", "Authorization: Bearer " + other);
    assertThat(answer.status()).isEqualTo(403);
    awaitAudit(
        "result=forbidden reason=out_of_scope token="
            + stack.namespace
            + "/group-b-token app="
            + hello
            + " ");
  }

  @Test
  void aReaderTokenGetsPastTheForwardAuthToABackendWithoutEndpoints() {
    awaitRouted(helloHost, "/");
    Curl.Answer answer = traefik.request(helloHost, "/", "-H", "Authorization: Bearer " + reader);
    // Past the gateway; then no Pod behind the Service (no kubelet here): Traefik's load balancer
    // has no server and answers 503.
    assertThat(answer.status()).as(answer.toString()).isNotIn(401, 403).isEqualTo(503);
    awaitAudit(
        "result=allow reason=token_ok token="
            + stack.namespace
            + "/reader-token app="
            + hello
            + " ");
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

  private static JsonNode forwardAuth() {
    return findByProvider("/api/http/middlewares", "forwardAuth");
  }

  private static JsonNode router() {
    return findByProvider("/api/http/routers", "rule");
  }

  /**
   * The one object of the kubernetesingressnginx provider at {@code path} of Traefik's API that has
   * {@code field}, or null while there is none.
   */
  private static JsonNode findByProvider(String path, String field) {
    String body = traefik.api(path);
    if (body == null) {
      return null;
    }
    try {
      List<JsonNode> found =
          StreamSupport.stream(JSON.readTree(body).spliterator(), false)
              .filter(n -> n.path("provider").asText().equals("kubernetesingressnginx"))
              .filter(n -> n.has(field))
              .toList();
      assertThat(found).as(body).hasSizeLessThanOrEqualTo(1);
      return found.isEmpty() ? null : found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
