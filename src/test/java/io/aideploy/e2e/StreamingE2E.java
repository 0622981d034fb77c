package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.PodNetwork;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A streaming app ({@code spec.streaming}) behind real nginx (configured by {@code
 * scripts/local-ingress} from the operator's Ingress, as ingress-nginx would be) and real Traefik
 * v3 (its {@code kubernetesIngressNGINX} provider reading the same Ingress): Server-Sent Events and
 * a WebSocket echo reach a client with a bearer token and with a browser session, and are refused
 * without.
 *
 * <p>No buffering, proven without timing: the app sends event "one", then holds the stream until
 * the test, having received "one" through the proxy, calls the app directly ({@code /release}) on
 * the Pod's address; only then does "two" come. A proxy that holds "one" back makes the test wait
 * in vain. nginx runs with {@code proxy-buffering: on} controller-wide (a ConfigMap that turned it
 * on), so that only the app's own annotation lets its events through.
 *
 * <p>The app is a {@link PodNetwork} Pod; nginx proxies every app host to it, Traefik finds it in
 * the Service's EndpointSlice.
 */
@ExtendWith(LocalControlPlane.class)
class StreamingE2E {
  private static final int PORT = 8080;
  private static final String SESSION = "__Host-aideploy_session";

  private static IngressStack stack;
  private static TraefikProcess traefik;
  private static PodNetwork network;
  private static String chatHost;
  private static String quietHost;
  private static String token;
  private static String podIp;
  private static Pod chatPod;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    stack = new IngressStack(cluster, TestNamespaces.create(client, "stream-e2e"));
    stack.apply(
        IngressStack.HELLO_AND_TOKENS
            + """
            ---
            apiVersion: aideploy.io/v1alpha1
            kind: AiApp
            metadata: {name: chat, labels: {group: A}}
            spec: {image: ovhcom/ai-deploy-hello-world, streaming: {enabled: true}}
            ---
            apiVersion: aideploy.io/v1alpha1
            kind: AiApp
            metadata: {name: quiet, labels: {group: A}}
            spec:
              image: ovhcom/ai-deploy-hello-world
              streaming: {enabled: true, idleTimeoutSeconds: 2}
            """);
    // Traefik's provider ignores Ingresses of a class no IngressClass of ingress-nginx names.
    Path ingressClass =
        Files.writeString(
            Files.createTempFile(stack.dir, "ingressclass", ".yaml"),
            """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: nginx}
            spec: {controller: k8s.io/ingress-nginx}
            """);
    LocalControlPlane.CommandResult applied =
        cluster.kubectl("apply", "-f", ingressClass.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    chatHost = stack.appId("chat") + "." + IngressStack.BASE_DOMAIN;
    quietHost = stack.appId("quiet") + "." + IngressStack.BASE_DOMAIN;
    token = stack.tokenValue("reader-token", null);

    network = PodNetwork.create(client);
    chatPod = network.serveApp(stack.namespace, "chat", PORT).get(0);
    podIp = network.ip(chatPod);

    stack.nginxSettings.put("UPSTREAM", podIp + ":" + PORT);
    stack.nginxSettings.put("PROXY_BUFFERING", "on");
    stack.startOrReloadNginx();
    traefik = new TraefikProcess(cluster, stack.namespace, IngressStack.BASE_DOMAIN);
    await()
        .atMost(TraefikProcess.WAIT)
        .ignoreExceptions()
        .until(() -> traefik.request(chatHost, "/", "-H", bearer()).status() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> started = new ArrayList<>();
    if (traefik != null) {
      System.err.println("Traefik log: " + traefik.dir.resolve("traefik.log"));
      started.add(traefik);
    }
    if (network != null) {
      started.add(network);
    }
    if (stack != null) {
      System.err.println("aideploy log: " + stack.dir.resolve("aideploy.log"));
      started.add(stack);
    }
    Exception failure = null;
    for (AutoCloseable closeable : started) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "traefik"})
  void eventsArriveAsTheyAreSentWithABearerToken(String proxy) throws Exception {
    assertEventsFlow(proxy, bearer());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "traefik"})
  void eventsArriveAsTheyAreSentWithABrowserSession(String proxy) throws Exception {
    assertEventsFlow(proxy, "Cookie: " + SESSION + "=" + signIn());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "traefik"})
  void withoutATokenTheStreamIsRefusedAndTheAppNeverAskedForIt(String proxy) {
    String key = UUID.randomUUID().toString();
    Curl.Answer answer = Curl.request(address(proxy), chatHost, "/events?" + key);
    // nginx sends a refused client to the sign-in page (auth-signin); Traefik returns the 401.
    assertThat(answer.status()).as(answer.toString()).isIn(302, 401);
    assertThat(answer.body()).doesNotContain("data:");
    assertThat(network.requests(chatPod)).noneMatch(r -> r.path().contains(key));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "traefik"})
  void aWebSocketEchoesWithATokenOrASessionAndItsHandshakeIsRefusedWithout(String proxy)
      throws Exception {
    String address = address(proxy);
    StreamClients.WebSocketResult withToken =
        StreamClients.webSocket(address, chatHost, "/ws", "hello with a token", bearer());
    assertThat(withToken).isEqualTo(new StreamClients.WebSocketResult(101, "hello with a token"));

    StreamClients.WebSocketResult withSession =
        StreamClients.webSocket(
            address,
            chatHost,
            "/ws",
            "hello with a session",
            "Cookie: " + SESSION + "=" + signIn());
    assertThat(withSession)
        .isEqualTo(new StreamClients.WebSocketResult(101, "hello with a session"));

    int before = network.requests(chatPod).size();
    StreamClients.WebSocketResult without =
        StreamClients.webSocket(address, chatHost, "/ws", "hello without");
    assertThat(without.status()).isIn(302, 401);
    assertThat(network.requests(chatPod)).hasSize(before);
  }

  /**
   * nginx's bound on an open stream is an idle one (proxy_read_timeout, between two reads): the app
   * "quiet" has {@code idleTimeoutSeconds: 2} and its stream, silent after "one", is closed by
   * nginx although the app holds it open. The client waits 30 s, well above the 2 s asked for and
   * below nginx's 60 s default, so the test fails without the app's annotation.
   */
  @Test
  void nginxClosesAStreamThatStaysSilentLongerThanTheIdleTimeout() throws Exception {
    String key = UUID.randomUUID().toString();
    try (StreamClients.EventStream stream =
        new StreamClients.EventStream(stack.address, quietHost, "/events?" + key, bearer())) {
      assertThat(stream.nextData()).contains("one");
      assertThat(stream.nextData(30)).as("closed by nginx, before any other event").isEmpty();
      System.err.printf("nginx closed the silent stream after %d ms%n", stream.elapsedMillis());
    } finally {
      network.get(podIp, PORT, "/release?" + key, Map.of());
    }
  }

  private static void assertEventsFlow(String proxy, String credential) throws Exception {
    String key = UUID.randomUUID().toString();
    try (StreamClients.EventStream stream =
        new StreamClients.EventStream(address(proxy), chatHost, "/events?" + key, credential)) {
      Optional<String> first = stream.nextData();
      System.err.printf(
          "%s: first event after %d ms (curl start, TLS, auth check included)%n",
          proxy, stream.elapsedMillis());
      assertThat(first).contains("one");
      // The side channel: straight to the Pod, not through the proxy.
      assertThat(network.get(podIp, PORT, "/release?" + key, Map.of()).status()).isEqualTo(200);
      assertThat(stream.nextData()).contains("two");
    }
    assertThat(network.requests(chatPod))
        .filteredOn(r -> r.path().equals("/events?" + key))
        .singleElement()
        .satisfies(r -> assertThat(r.headers().get("X-Aideploy-Token")).contains("reader-token"));
  }

  private static String address(String proxy) {
    return proxy.equals("nginx") ? stack.address : traefik.address;
  }

  private static String bearer() {
    return "Authorization: Bearer " + token;
  }

  /**
   * Signs in as a browser does, with curl through nginx: the login page for the app (its form
   * token), the form posted from the login page's origin, then the redirect back to the app with
   * the ticket, which the check answers with the session cookie; returns the cookie's value.
   */
  private static String signIn() throws Exception {
    String appUrl = "https://" + chatHost + "/";
    String login = "https://" + IngressStack.LOGIN_HOST + "/login";
    String resolveLogin = IngressStack.LOGIN_HOST + ":443:" + stack.address;
    String resolveApp = chatHost + ":443:" + stack.address;
    Curl.Result page =
        Curl.run(
            "-s",
            "-k",
            "--resolve",
            resolveLogin,
            login + "?rd=" + URLEncoder.encode(appUrl, StandardCharsets.UTF_8));
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.stdout());
    assertThat(csrf.find()).as(page.stdout()).isTrue();
    Path jar = Files.createTempFile(stack.dir, "cookies", ".txt");
    Curl.Result signedIn =
        Curl.run(
            "-s",
            "-k",
            "-L",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{url_effective}",
            "--resolve",
            resolveLogin,
            "--resolve",
            resolveApp,
            "-c",
            jar.toString(),
            "-b",
            jar.toString(),
            "-H",
            "Origin: https://" + IngressStack.LOGIN_HOST,
            "--data-urlencode",
            "token=" + token,
            "--data-urlencode",
            "rd=" + appUrl,
            "--data-urlencode",
            "csrf=" + csrf.group(1),
            login);
    // nginx's auth-url answers the ticket with the cookie and serves the app at that address.
    assertThat(signedIn.stdout()).as(signedIn.toString()).startsWith("200 " + appUrl);
    return Files.readAllLines(jar).stream()
        .map(line -> line.split("\t"))
        .filter(fields -> fields.length == 7 && fields[5].equals(SESSION))
        .map(fields -> fields[6])
        .findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie in " + jar));
  }
}
