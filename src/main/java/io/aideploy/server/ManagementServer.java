package io.aideploy.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/** The management port: {@code /healthz}, {@code /readyz} and {@code /metrics} (Prometheus). */
public final class ManagementServer implements AutoCloseable {
  private final HttpServer server;

  private ManagementServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} (0 picks a free one) and returns once listening. */
  public static ManagementServer start(
      Vertx vertx, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    HttpServer server =
        vertx.createHttpServer().requestHandler(request -> handle(vertx, request, registry, ready));
    try {
      server.listen(port).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot listen on management port "
              + port
              + " (--management-port, AIDEPLOY_MANAGEMENT_PORT)",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new ManagementServer(server);
  }

  public int port() {
    return server.actualPort();
  }

  private static void handle(
      Vertx vertx,
      HttpServerRequest request,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready) {
    var response = request.response().putHeader("Cache-Control", "no-store");
    switch (request.path()) {
      case "/healthz" -> response.putHeader("Content-Type", "text/plain").end("ok\n");
      case "/readyz" -> {
        boolean isReady = ready.getAsBoolean();
        response
            .setStatusCode(isReady ? 200 : 503)
            .putHeader("Content-Type", "text/plain")
            .end(isReady ? "ready\n" : "not ready: informers not synced\n");
      }
      case "/metrics" ->
          vertx
              .executeBlocking(registry::scrape)
              .onComplete(
                  scrape -> {
                    if (scrape.succeeded()) {
                      response
                          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                          .end(scrape.result());
                    } else {
                      response.setStatusCode(500).end("scrape failed\n");
                    }
                  });
      default ->
          response.setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found\n");
    }
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }
}
