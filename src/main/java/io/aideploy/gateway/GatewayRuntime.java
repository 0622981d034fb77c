package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.config.Settings;
import io.aideploy.server.Component;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: informers on AiApps and AiTokens feeding the access index, and the HTTP
 * server on the gateway port. Returns before the informers have synced; until they have, {@code
 * /auth} answers 503 and {@link #isReady()} is false.
 */
public final class GatewayRuntime implements Component {
  private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

  /** Headers beyond this size are refused by the HTTP codec (431) before any handler runs. */
  static final int MAX_HEADER_SIZE = 16 * 1024;

  /**
   * Objects per page of the informers' lists (client-go's page size). Unpaged, the first list of
   * 100,000 AiApps arrives as one response that fabric8 turns into 100,000 whole objects before the
   * store trims them: more than the gateway's 512 MiB. Paged, at most one page is held whole.
   */
  static final long LIST_PAGE = 500;

  private final List<SharedIndexInformer<?>> informers;
  private final InformerHealth health;
  private final ApiFreshness freshness;
  private final Listening listening;
  private final LastUsedRecorder lastUsed;
  private final AuditLog audit;
  private final Vertx vertx;
  private final GrpcAuthServer grpc;

  /** The deployed HTTP server verticles. */
  record Listening(String deploymentId, List<HttpServer> servers) {}

  private GatewayRuntime(
      List<SharedIndexInformer<?>> informers,
      InformerHealth health,
      ApiFreshness freshness,
      Listening listening,
      LastUsedRecorder lastUsed,
      AuditLog audit,
      Vertx vertx,
      GrpcAuthServer grpc) {
    this.informers = informers;
    this.health = health;
    this.freshness = freshness;
    this.listening = listening;
    this.lastUsed = lastUsed;
    this.audit = audit;
    this.vertx = vertx;
    this.grpc = grpc;
  }

  /**
   * Checks the gateway's settings before anything starts.
   *
   * @throws IllegalArgumentException with a message for the user when they cannot work
   */
  public static void check(Settings settings) {
    try {
      TrustedProxies.parse(settings.trustedProxies());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--trusted-proxies: " + e.getMessage(), e);
    }
    if (settings.sessionKey() == null) {
      log.warn(
          "no session key (--session-key-file or AIDEPLOY_SESSION_KEY): browser sessions are"
              + " signed with a random key, so they end when this process does and do not work"
              + " across replicas");
    }
  }

  /**
   * Starts the informers (without waiting for them) and the HTTP server (waiting until it listens).
   *
   * @throws IllegalArgumentException for settings the gateway cannot use
   * @throws IllegalStateException when the port cannot be bound
   */
  public static GatewayRuntime start(
      KubernetesClient client,
      Settings settings,
      MeterRegistry registry,
      Clock clock,
      Vertx vertx) {
    return start(client, settings, registry, clock, vertx, InformerHealth.GRACE_NANOS);
  }

  /** As {@link #start}, with another grace period for a lost watch (tests shorten it). */
  static GatewayRuntime start(
      KubernetesClient client,
      Settings settings,
      MeterRegistry registry,
      Clock clock,
      Vertx vertx,
      long watchGraceNanos) {
    TrustedProxies proxies = TrustedProxies.parse(settings.trustedProxies());
    AccessIndex index = new AccessIndex();
    GatewayContext context = context(client, settings, registry, clock, index);
    LastUsedRecorder lastUsed = context.lastUsed();
    AuditLog audit = context.audit();

    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    informers.addAll(
        inform(client.resources(AiApp.class), settings, index.appHandler(), CachedFields::app));
    informers.addAll(
        inform(
            client.resources(AiToken.class), settings, index.tokenHandler(), CachedFields::token));
    List<SharedIndexInformer<?>> all = List.copyOf(informers);
    InformerHealth health = new InformerHealth(all, System::nanoTime, watchGraceNanos);
    ApiFreshness freshness =
        ApiFreshness.start(
            client,
            settings.watchNamespaces(),
            () -> all.stream().allMatch(SharedIndexInformer::isWatching),
            ApiFreshness.MAX_STALENESS_NANOS);
    index.syncedWhen(() -> health.isUsable() && freshness.isFresh());

    Listening listening = listen(vertx, settings.gatewayPort(), context, proxies);
    log.info(
        "gateway listening on port {}, watching {}",
        listening.servers().get(0).actualPort(),
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces());
    GrpcAuthServer grpc = null;
    if (settings.grpcPort() != Settings.GRPC_OFF) {
      grpc = GrpcAuthServer.start(settings.grpcPort(), context, proxies);
      log.info("gateway gRPC ext_authz listening on port {}", grpc.port());
    }
    return new GatewayRuntime(all, health, freshness, listening, lastUsed, audit, vertx, grpc);
  }

  /** Everything the endpoints share, around {@code index}. */
  static GatewayContext context(
      KubernetesClient client,
      Settings settings,
      MeterRegistry registry,
      Clock clock,
      AccessIndex index) {
    FailedAttempts failures = new FailedAttempts(settings.failedAuthLimit(), 100_000, clock);
    LastUsedRecorder lastUsed = new LastUsedRecorder(client, clock);
    Signer signer = Signer.of(settings.sessionKey());
    SessionCookie sessions = new SessionCookie(signer, clock, settings.sessionLifetime());
    AuditLog audit = AuditLog.toStderr();
    GatewayContext context =
        new GatewayContext(
            settings,
            client,
            index,
            new Authorizer(index, clock, sessions),
            new AppLocator(settings.baseDomain()),
            failures,
            lastUsed,
            new GatewayMetrics(registry, index, failures, audit),
            audit,
            signer,
            sessions,
            new SignOut(client, index, clock),
            clock);
    return context;
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>>
      List<SharedIndexInformer<?>> inform(
          MixedOperation<T, L, Resource<T>> resources,
          Settings settings,
          ResourceEventHandler<T> handler,
          UnaryOperator<T> trim) {
    List<SharedIndexInformer<?>> started = new ArrayList<>();
    if (settings.watchNamespaces().isEmpty()) {
      started.add(
          startInformer(
              resources.inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), handler, trim));
    } else {
      for (String namespace : settings.watchNamespaces()) {
        started.add(
            startInformer(
                resources.inNamespace(namespace).withLimit(LIST_PAGE).runnableInformer(0),
                handler,
                trim));
      }
    }
    return started;
  }

  private static <T extends HasMetadata> SharedIndexInformer<T> startInformer(
      SharedIndexInformer<T> informer, ResourceEventHandler<T> handler, UnaryOperator<T> trim) {
    // Every replica caches every app and token: keep only what the gateway reads.
    TrimmedInformer.feed(informer, handler, trim);
    // fabric8 gives up on an informer whose first list fails (API server not up yet, CRD not yet
    // installed); the gateway keeps trying, with fabric8's backoff, and answers 503 meanwhile.
    informer.exceptionHandler(
        (started, error) -> {
          log.warn(
              "{} informer failed ({}), retrying",
              started ? "running" : "starting",
              error.getClass().getSimpleName());
          return true;
        });
    informer.start();
    return informer;
  }

  static Listening listen(Vertx vertx, int port, GatewayContext context, TrustedProxies proxies) {
    GatewayHandler handler = new GatewayHandler(context, proxies);
    GatewayMetrics metrics = context.metrics();
    HttpServerOptions options =
        new HttpServerOptions()
            .setPort(port)
            .setMaxHeaderSize(MAX_HEADER_SIZE)
            .setMaxInitialLineLength(8 * 1024)
            .setMaxFormAttributeSize(LoginEndpoint.MAX_FORM_BYTES)
            .setMaxFormFields(16)
            // No WebSockets here: without these the WebSocket extension handler sits in every
            // connection's pipeline and sees every response.
            .setPerFrameWebSocketCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false)
            // HTTP/1.1 only: no h2c upgrade a proxy might pass on (h2c smuggling past its rules),
            // and no per-connection check for the HTTP/2 preface. gRPC has its own port.
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout(120);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    // One server per core, each on its own event loop; Vert.x shares the port between verticle
    // instances. A random port (0, in tests) cannot be shared, so it gets one instance.
    int instances = port == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
    Future<String> deployed =
        vertx.deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    HttpServer server =
                        vertx
                            .createHttpServer(options)
                            .connectionHandler(connection -> metrics.connectionAccepted())
                            .requestHandler(handler);
                    servers.add(server);
                    return server.listen();
                  }
                },
            new DeploymentOptions().setInstances(instances));
    try {
      return new Listening(deployed.toCompletionStage().toCompletableFuture().get(), servers);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot listen on gateway port " + port + " (--gateway-port, AIDEPLOY_GATEWAY_PORT)",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ready once every informer has delivered its initial list, and as long as no watch has been down
   * for longer than {@link InformerHealth#GRACE_NANOS} and the API server has answered within
   * {@link ApiFreshness#MAX_STALENESS_NANOS}.
   */
  @Override
  public boolean isReady() {
    return health.isUsable() && freshness.isFresh();
  }

  /** The port the HTTP server listens on (useful when started with port 0). */
  public int port() {
    return listening.servers().get(0).actualPort();
  }

  /** The port of the gRPC ext_authz server, or {@link Settings#GRPC_OFF} when there is none. */
  public int grpcPort() {
    return grpc == null ? Settings.GRPC_OFF : grpc.port();
  }

  @Override
  public void close() {
    if (grpc != null) {
      grpc.close();
    }
    // Undeploying the verticles closes their servers.
    vertx.undeploy(listening.deploymentId()).toCompletionStage().toCompletableFuture().join();
    informers.forEach(SharedIndexInformer::close);
    freshness.close();
    lastUsed.close();
    audit.close();
  }
}
