package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

/**
 * The real Traefik v3 that {@code scripts/local-cluster build} builds from Go modules, run against
 * the local control plane with its {@code kubernetesIngressNGINX} provider, which reads the
 * operator's Ingresses (class {@code nginx}, ingress-nginx annotations) as they are, or with its
 * Gateway API and CRD providers ({@link #gatewayApi}), which read the operator's HTTPRoutes and
 * Middlewares.
 *
 * <p>Traefik listens on port 443 of a random loopback address {@code 127.x.y.1} (entrypoint {@code
 * websecure}, TLS for every router from a self-signed {@code *.<base-domain>} certificate in the
 * default TLS store, given by a file provider). Its API, read-only and without dashboard, and
 * {@code /ping} are on the entrypoint {@code traefik} at {@code 127.0.0.1:<free port>}; nothing
 * listens beyond loopback, and version checks and usage statistics are off, so Traefik contacts
 * nothing but the API server, the gateway and the backends of the routers (the Pods' addresses from
 * EndpointSlices), with the proxy variables removed from its environment. Its log (debug level,
 * with access log) is {@code traefik.log} in {@link #dir}.
 *
 * <p>The provider talks to the API server through {@code KUBECONFIG} (the kubeconfig's client
 * certificate): Traefik uses the in-cluster config when {@code KUBERNETES_SERVICE_HOST} is set,
 * else the file in {@code KUBECONFIG}, else {@code endpoint}/{@code token}/{@code
 * certAuthFilePath}, which cannot carry a client certificate
 * (pkg/provider/kubernetes/ingress-nginx/kubernetes.go, newK8sClient).
 */
final class TraefikProcess implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where Traefik listens for https (port 443). */
  final String address;

  /** The directory of its configuration and its log. */
  final Path dir;

  /** {@code http://127.0.0.1:<port>}: Traefik's API and {@code /ping}. */
  final String api;

  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Starts Traefik with the {@code kubernetesIngressNGINX} provider watching {@code namespace}, and
   * waits until it answers {@code /ping} and accepts connections on port 443.
   *
   * @throws IllegalStateException when there is no built Traefik ({@code scripts/local-cluster
   *     build}) or it does not come up within {@link #WAIT}
   */
  TraefikProcess(LocalControlPlane.Cluster cluster, String namespace, String baseDomain)
      throws IOException {
    this(cluster, namespace, baseDomain, null);
  }

  /**
   * As {@link #TraefikProcess(LocalControlPlane.Cluster, String, String)}, and when {@code
   * loginGateway} ({@code http://host:port} of the gateway) is not null, with a router of the file
   * provider for the sign-in host {@code login.<baseDomain>}: {@code /login} and {@code /logout} to
   * the gateway, what {@code scripts/local-ingress} does for nginx. Nothing else of the gateway is
   * routed; {@code /auth} stays private.
   */
  TraefikProcess(
      LocalControlPlane.Cluster cluster, String namespace, String baseDomain, String loginGateway)
      throws IOException {
    this(cluster, new Providers(ingressNginxProvider(namespace)), baseDomain, loginGateway);
  }

  /**
   * Traefik with its {@code kubernetesGateway} provider (Gateways of the GatewayClass whose
   * controller is {@code traefik.io/gateway-controller}, and their HTTPRoutes) and its {@code
   * kubernetesCRD} provider (the Middlewares that HTTPRoutes name in ExtensionRef filters), both
   * watching {@code namespace} only. A Gateway listener on port 443 binds to the {@code websecure}
   * entrypoint, the one on that port.
   */
  static TraefikProcess gatewayApi(
      LocalControlPlane.Cluster cluster, String namespace, String baseDomain) throws IOException {
    return new TraefikProcess(
        cluster, new Providers(gatewayApiProviders(namespace)), baseDomain, null);
  }

  /** The {@code kubernetesGateway} and {@code kubernetesCRD} providers, limited to a namespace. */
  static String gatewayApiProviders(String namespace) {
    return """
          kubernetesGateway:
            namespaces: [%s]
          kubernetesCRD:
            namespaces: [%s]
        """
        .formatted(namespace, namespace);
  }

  /** The YAML under {@code providers:} besides the file provider, indented for its place. */
  private record Providers(String yaml) {}

  private TraefikProcess(
      LocalControlPlane.Cluster cluster,
      Providers providers,
      String baseDomain,
      String loginGateway)
      throws IOException {
    Path binary = binary(cluster.projectDir());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // 127.200-249.*.1: apart from IngressStack's nginx addresses (127.100-199.*.1).
    this.address = "127." + random.nextInt(200, 250) + "." + random.nextInt(1, 255) + ".1";
    this.dir = Files.createTempDirectory("aideploy-traefik");
    int apiPort = FreePorts.pick();
    this.api = "http://127.0.0.1:" + apiPort;

    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    selfSignedCertificate(baseDomain, crt, key);
    Path dynamic = dir.resolve("dynamic.yml");
    Files.writeString(
        dynamic,
        dynamicConfiguration(crt, key)
            + (loginGateway == null ? "" : loginRouter("login." + baseDomain, loginGateway)));
    Path config = dir.resolve("traefik.yml");
    Files.writeString(config, staticConfiguration(address, apiPort, providers.yaml(), dynamic));

    ProcessBuilder builder =
        new ProcessBuilder(binary.toString(), "--configFile=" + config)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("traefik.log").toFile());
    // Out of cluster: KUBECONFIG, never the in-cluster config.
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().remove("KUBERNETES_SERVICE_PORT");
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    // Traefik's transports to backends and to the ForwardAuth address honour the proxy variables
    // (Go's http.ProxyFromEnvironment): without them it connects only to what it was given, the
    // gateway on loopback and the Pods on PodNetwork's /24.
    for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")) {
      builder.environment().remove(proxy);
      builder.environment().remove(proxy.toLowerCase(java.util.Locale.ROOT));
    }
    this.process = builder.start();
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(process.isAlive()).as("traefik exited:\n%s", log()).isTrue();
                return status(api + "/ping") == 200 && accepts(address, 443);
              });
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * The {@code kubernetesIngressNGINX} provider with its defaults (ingress class {@code nginx},
   * controller class {@code k8s.io/ingress-nginx}) limited to one namespace.
   */
  static String ingressNginxProvider(String namespace) {
    return """
          kubernetesIngressNGINX:
            watchNamespace: %s
            ingressClass: nginx
            controllerClass: k8s.io/ingress-nginx
        """
        .formatted(namespace);
  }

  /**
   * The static configuration: one https entrypoint on {@code address:443}, the internal {@code
   * traefik} entrypoint on loopback for the API and ping, the file provider for the default
   * certificate, and {@code providers} (YAML, indented for its place under {@code providers:}).
   */
  /** The dynamic configuration of the file provider: the default certificate. */
  static String dynamicConfiguration(Path crt, Path key) {
    return """
        tls:
          stores:
            default:
              defaultCertificate:
                certFile: %s
                keyFile: %s
        """
        .formatted(crt, key);
  }

  static String staticConfiguration(String address, int apiPort, String providers, Path dynamic) {
    return """
        global:
          checkNewVersion: false
          sendAnonymousUsage: false
        log:
          level: DEBUG
          noColor: true
        accessLog: {}
        entryPoints:
          websecure:
            address: "%s:443"
            http:
              tls: {}
          traefik:
            address: "127.0.0.1:%d"
        api:
          insecure: true
          dashboard: false
        ping:
          entryPoint: traefik
        providers:
          file:
            filename: %s
            watch: false
        """
            .formatted(address, apiPort, dynamic)
        + providers;
  }

  /**
   * The file provider's router for the sign-in host: exactly {@code /login} and {@code /logout}, on
   * the https entrypoint, to the gateway. Traefik keeps the client's {@code Host} and sets {@code
   * X-Forwarded-Proto: https} and {@code X-Forwarded-For} itself.
   */
  static String loginRouter(String loginHost, String gateway) {
    return """
        http:
          routers:
            aideploy-login:
              entryPoints: [websecure]
              rule: "Host(`%s`) && (Path(`/login`) || Path(`/logout`))"
              service: aideploy-gateway
              tls: {}
          services:
            aideploy-gateway:
              loadBalancer:
                servers:
                  - url: "%s"
        """
        .formatted(loginHost, gateway);
  }

  /** {@code scripts/local-cluster traefik-bin}/traefik, or a loud failure. */
  static Path binary(Path projectDir) {
    CommandResult dir =
        LocalControlPlane.CommandResult.run(
            projectDir,
            List.of(projectDir.resolve("scripts/local-cluster").toString(), "traefik-bin"));
    if (dir.exitCode() != 0) {
      throw new IllegalStateException(
          "no Traefik to test with; build it with `scripts/local-cluster build`:\n" + dir.output());
    }
    Path binary = Path.of(dir.output().strip()).resolve("traefik");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is not executable");
    }
    return binary;
  }

  /** GET {@code path} of Traefik's API ({@code /api/http/routers}, ...), or null on no answer. */
  String api(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(api + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The one object of {@code provider} at {@code path} of Traefik's API ({@code /api/http/routers},
   * ...) that matches, or null while there is none.
   */
  JsonNode findOne(String path, String provider, Predicate<JsonNode> matches) {
    String body = api(path);
    if (body == null) {
      return null;
    }
    try {
      List<JsonNode> found =
          StreamSupport.stream(JSON.readTree(body).spliterator(), false)
              .filter(n -> n.path("provider").asText().equals(provider))
              .filter(matches)
              .toList();
      assertThat(found).as(body).hasSizeLessThanOrEqualTo(1);
      return found.isEmpty() ? null : found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the load balancer behind {@code router} has exactly {@code servers} (the Pods'
   * URLs), as Traefik built it from the Service's EndpointSlices; returns that service. The Gateway
   * provider puts a weighted service (one per route rule) in front of it.
   */
  JsonNode awaitServers(JsonNode router, List<String> servers) {
    String provider = router.path("provider").asText();
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode found = service(router.path("service").asText(), provider);
              JsonNode weighted = found == null ? null : found.path("weighted").path("services");
              if (weighted != null && weighted.size() == 1) {
                found = service(weighted.get(0).path("name").asText(), provider);
              }
              if (found == null) {
                return null;
              }
              List<String> urls =
                  StreamSupport.stream(
                          found.path("loadBalancer").path("servers").spliterator(), false)
                      .map(s -> s.path("url").asText())
                      .toList();
              return urls.equals(servers) ? found : null;
            },
            Objects::nonNull);
  }

  /** The service {@code name} of Traefik's API, qualified by {@code provider} unless it is. */
  private JsonNode service(String name, String provider) {
    String qualified = name.contains("@") ? name : name + "@" + provider;
    String owner = qualified.substring(qualified.indexOf('@') + 1);
    return findOne("/api/http/services", owner, s -> s.path("name").asText().equals(qualified));
  }

  /** Traefik's output so far. */
  String log() {
    try {
      return Files.readString(dir.resolve("traefik.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code curl -k --resolve host:443:<traefik>}: GET (or what {@code extra} says). */
  Curl.Answer request(String host, String path, String... extra) {
    return Curl.request(address, host, path, extra);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket socket = new Socket(host, port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void selfSignedCertificate(String baseDomain, Path crt, Path key)
      throws IOException {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=*." + baseDomain,
                "-addext",
                "subjectAltName=DNS:*." + baseDomain,
                "-keyout",
                key.toString(),
                "-out",
                crt.toString())
            .redirectErrorStream(true)
            .start();
    try {
      byte[] output = openssl.getInputStream().readAllBytes();
      if (!openssl.waitFor(60, TimeUnit.SECONDS)) {
        openssl.destroyForcibly();
        throw new IllegalStateException("openssl did not finish in 60 s");
      }
      if (openssl.exitValue() != 0) {
        throw new IllegalStateException("openssl failed: " + new String(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
