package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything between a client and an app, on this machine: the packaged {@code java -jar
 * target/aideploy.jar all} against the local control plane, a "Hello, World!" process standing in
 * for the app's Pods (there is no kubelet), and the Debian nginx configured by {@code
 * scripts/local-ingress} the way ingress-nginx configures the operator's Ingress annotations.
 *
 * <p>nginx listens on port 443 of a random loopback address, because the gateway only accepts
 * {@code https://<id>.<base-domain>/} without a port as a sign-in return address; clients map the
 * app hosts to that address ({@code curl --resolve}, Chromium's {@code --host-resolver-rules}).
 */
final class IngressStack implements AutoCloseable {
  static final String BASE_DOMAIN = "apps.e2e.test";
  static final String LOGIN_HOST = "login." + BASE_DOMAIN;
  static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * The app {@code hello} (group A), two Reader tokens that cover it ({@code reader-token}, {@code
   * rotating-token}) and one that does not ({@code group-b-token}).
   */
  static final String HELLO_AND_TOKENS =
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
      metadata: {name: rotating-token}
      spec: {role: Reader, labelSelector: group=A}
      ---
      apiVersion: aideploy.io/v1alpha1
      kind: AiToken
      metadata: {name: group-b-token}
      spec: {role: Reader, labelSelector: group=B}
      """;

  final LocalControlPlane.Cluster cluster;
  final String namespace;
  final String address;
  final Path dir;

  /** The headers of the last request that reached the stand-in app, lower-case names. */
  final Map<String, String> lastUpstreamHeaders = new ConcurrentHashMap<>();

  /**
   * Settings of {@code scripts/local-ingress} that replace the stack's own before nginx starts:
   * {@code UPSTREAM} (another stand-in app, e.g. a {@code PodNetwork} Pod), the controller-wide
   * {@code PROXY_BUFFERING}, ...
   */
  final Map<String, String> nginxSettings = new ConcurrentHashMap<>();

  /** Every Cookie header the stand-in app received, by the Host it was sent for. */
  final Map<String, List<String>> upstreamCookiesByHost = new ConcurrentHashMap<>();

  private final HttpServer hello;
  private final int gatewayPort;
  private final int managementPort;
  private final List<Process> processes = new ArrayList<>();

  /** The kind of the child that exposes an app: ingress, or httproute with Gateway API. */
  private final String exposedBy;

  IngressStack(LocalControlPlane.Cluster cluster, String namespace) throws IOException {
    this(cluster, namespace, List.of());
  }

  /** As {@link #IngressStack(LocalControlPlane.Cluster, String)}, with more settings as flags. */
  IngressStack(LocalControlPlane.Cluster cluster, String namespace, List<String> settings)
      throws IOException {
    this.cluster = cluster;
    this.exposedBy = settings.contains("--exposure=gateway-api") ? "httproute" : "ingress";
    this.namespace = namespace;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.address = "127." + random.nextInt(100, 200) + "." + random.nextInt(1, 255) + ".1";
    this.dir = Files.createTempDirectory("aideploy-ingress");
    this.hello = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hello.createContext(
        "/",
        exchange -> {
          lastUpstreamHeaders.clear();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> lastUpstreamHeaders.put(k.toLowerCase(), String.join(",", v)));
          String host = exchange.getRequestHeaders().getFirst("Host");
          upstreamCookiesByHost
              .computeIfAbsent(host == null ? "" : host, h -> new CopyOnWriteArrayList<>())
              .add(String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")));
          if (answersCors(exchange)) {
            return;
          }
          byte[] body = "Hello, World!\n".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    hello.start();
    this.gatewayPort = FreePorts.pick();
    this.managementPort = FreePorts.pick();
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-jar",
                cluster.projectDir().resolve("target/aideploy.jar").toString(),
                "all",
                "--base-domain=" + BASE_DOMAIN,
                "--gateway-url=http://127.0.0.1:" + gatewayPort,
                "--gateway-port=" + gatewayPort,
                "--management-port=" + managementPort,
                "--watch-namespaces=" + namespace));
    command.addAll(settings);
    Process all =
        start(
            dir.resolve("aideploy.log"),
            Map.of("AIDEPLOY_SESSION_KEY", "e2e-session-key-".repeat(3)),
            command.toArray(String[]::new));
    processes.add(all);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                Curl.run(
                        "-s",
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "http://127.0.0.1:" + managementPort + "/readyz")
                    .stdout()
                    .equals("200"));
  }

  /**
   * CORS as an app that handles it itself would: any origin that asks is allowed, so that whatever
   * refuses a cross-origin call in a test is the gateway, never the app. A preflight (OPTIONS with
   * Access-Control-Request-Method) is answered here with 204; true when it was.
   */
  private static boolean answersCors(HttpExchange exchange) throws IOException {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null) {
      return false;
    }
    var headers = exchange.getResponseHeaders();
    headers.add("Access-Control-Allow-Origin", origin);
    headers.add("Vary", "Origin");
    if (!exchange.getRequestMethod().equals("OPTIONS")
        || exchange.getRequestHeaders().getFirst("Access-Control-Request-Method") == null) {
      return false;
    }
    headers.add("Access-Control-Allow-Methods", "GET, POST");
    headers.add("Access-Control-Allow-Headers", "authorization, content-type");
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
    return true;
  }

  /** The value of a counter on the aideploy process's {@code /metrics}, 0 when not there yet. */
  double metric(String name) {
    String text = Curl.run("-s", "http://127.0.0.1:" + managementPort + "/metrics").stdout();
    return text.lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Applies YAML into the test namespace with kubectl. */
  void apply(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "manifest", ".yaml");
    Files.writeString(file, yaml);
    CommandResult applied = cluster.kubectl("apply", "-n", namespace, "-f", file.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
  }

  /** The app's id, once the operator has written its Ingress (or HTTPRoute). */
  String appId(String app) {
    await()
        .atMost(WAIT)
        .until(() -> cluster.kubectl("get", exposedBy, app, "-n", namespace).exitCode() == 0);
    return kubectl("get", "aiapp", app, "-o", "jsonpath={.metadata.uid}");
  }

  /** The token's current value from its Secret, once it is there and differs from {@code old}. */
  String tokenValue(String token, String old) {
    return await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                new String(
                    Base64.getDecoder()
                        .decode(kubectl("get", "secret", token, "-o", "jsonpath={.data.token}")),
                    StandardCharsets.UTF_8),
            value -> TokenValue.isWellFormed(value) && !value.equals(old));
  }

  /** Asks the operator for a new value the way a user does: a new regenerate annotation. */
  void regenerate(String token) {
    kubectl(
        "annotate", "aitoken", token, "--overwrite", "aideploy.io/regenerate=" + System.nanoTime());
  }

  String kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("-n", namespace));
    CommandResult result = cluster.kubectl(command.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result.output().strip();
  }

  /**
   * Renders nginx's configuration from the Ingresses now in the cluster and starts nginx (or
   * reloads it when it runs already).
   */
  void startOrReloadNginx() throws IOException {
    boolean running = processes.size() > 1;
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "BASE_DOMAIN",
                BASE_DOMAIN,
                "GATEWAY",
                "127.0.0.1:" + gatewayPort,
                "UPSTREAM",
                "127.0.0.1:" + hello.getAddress().getPort(),
                "LISTEN",
                address + ":443",
                "KUBECTL",
                cluster.binDir().resolve("kubectl").toString(),
                "KUBECONFIG",
                cluster.kubeconfig().toString()));
    env.putAll(nginxSettings);
    String script = cluster.projectDir().resolve("scripts/local-ingress").toString();
    if (running) {
      Process reload = start(dir.resolve("reload.log"), env, script, "reload", dir.toString());
      try {
        assertThat(reload.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
            .as("reload finished")
            .isTrue();
        assertThat(reload.exitValue()).as(Files.readString(dir.resolve("reload.log"))).isZero();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return;
    }
    processes.add(start(dir.resolve("nginx.log"), env, script, "run", dir.toString()));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              assertThat(processes.get(1).isAlive())
                  .as("nginx: %s", Files.readString(dir.resolve("nginx.log")))
                  .isTrue();
              try (Socket socket = new Socket(address, 443)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** {@code curl -k --resolve <host>:443:<nginx> ARGS} */
  Curl.Result curl(String host, String... args) {
    List<String> command = new ArrayList<>(List.of("-k", "--resolve", host + ":443:" + address));
    command.addAll(List.of(args));
    return Curl.run(command.toArray(String[]::new));
  }

  /** The Chromium flag that sends every host under the base domain to this nginx. */
  String hostResolverRules() {
    return "--host-resolver-rules=MAP *." + BASE_DOMAIN + " " + address;
  }

  @Override
  public void close() throws Exception {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    hello.stop(0);
  }

  private Process start(Path log, Map<String, String> env, String... command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
