package io.aideploy.gateway;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's gRPC ext_authz, {@code envoy.service.auth.v3.Authorization/Check}, on a port of its own:
 * each call is a {@link GrpcCheck} answered by the same {@link AuthEndpoint} as the HTTP checks.
 * The client address for rate limiting is Envoy's {@code attributes.source} when the caller is a
 * trusted proxy, else the caller itself, as for the HTTP endpoints' forwarded headers.
 */
final class GrpcAuthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcAuthServer.class);

  /**
   * The largest CheckRequest accepted: Envoy's default header limit (60 KiB) and the check's own
   * fields. A larger one fails the call (RESOURCE_EXHAUSTED), which Envoy turns into a denial.
   */
  static final int MAX_CHECK_BYTES = 64 * 1024;

  private static final Context.Key<String> PEER = Context.key("aideploy-peer");

  private final Server server;
  private final ExecutorService executor;

  private GrpcAuthServer(Server server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code port} (0: any free port).
   *
   * @throws IllegalStateException when the port cannot be bound
   */
  static GrpcAuthServer start(int port, GatewayContext gateway, TrustedProxies proxies) {
    // A fixed pool: checks are short, and each thread keeps an audit-log buffer of its own.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), daemonThreads());
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(port))
            .executor(executor)
            .maxInboundMessageSize(MAX_CHECK_BYTES)
            .maxInboundMetadataSize(GatewayRuntime.MAX_HEADER_SIZE)
            .maxConnectionIdle(2, TimeUnit.MINUTES)
            .addService(
                ServerInterceptors.intercept(
                    new Service(new AuthEndpoint(gateway), proxies), new PeerAddress()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IllegalStateException(
          "cannot listen on gRPC port " + port + " (--grpc-port, AIDEPLOY_GRPC_PORT)", e);
    }
    return new GrpcAuthServer(server, executor);
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "aideploy-grpc-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The Check method: one decision per call; nothing escapes as an error but a denial. */
  private static final class Service extends AuthorizationGrpc.AuthorizationImplBase {
    private final AuthEndpoint auth;
    private final TrustedProxies proxies;

    Service(AuthEndpoint auth, TrustedProxies proxies) {
      this.auth = auth;
      this.proxies = proxies;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
      long start = System.nanoTime();
      GrpcCheck check =
          new GrpcCheck(
              request,
              response -> {
                responses.onNext(response);
                responses.onCompleted();
              });
      try {
        String source =
            request.getAttributes().getSource().getAddress().getSocketAddress().getAddress();
        String client = proxies.clientAddress(PEER.get(), source.isEmpty() ? null : source, null);
        auth.handle(check, client, start);
      } catch (RuntimeException e) {
        // Never an allow on doubt: "cannot decide now", as the HTTP endpoints answer.
        log.error("unexpected failure handling a gRPC check: {}", e.getClass().getName());
        if (!check.ended()) {
          AuthEndpoint.answer(
              check, Decision.of(Outcome.UNAVAILABLE, Reason.INTERNAL_ERROR, null), 0);
        }
      }
    }
  }

  /** Puts the caller's IP address (Envoy's, normally) into the call's context. */
  private static final class PeerAddress implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      String peer =
          remote instanceof InetSocketAddress inet && inet.getAddress() != null
              ? inet.getAddress().getHostAddress()
              : null;
      return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
    }
  }
}
