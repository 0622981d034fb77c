package io.aideploy.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the gateway port's requests to their endpoints; nothing escapes as a 500. */
final class GatewayHandler implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);

  private final GatewayContext gateway;
  private final TrustedProxies proxies;
  private final AuthEndpoint auth;
  private final LifecycleApi api;
  private final LoginEndpoint login;

  GatewayHandler(GatewayContext gateway, TrustedProxies proxies) {
    this.gateway = gateway;
    this.proxies = proxies;
    this.auth = new AuthEndpoint(gateway);
    this.api = new LifecycleApi(gateway);
    this.login = new LoginEndpoint(gateway);
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    String path = request.path();
    try {
      String client = clientAddress(request);
      ProxyAdapter proxy = path == null ? null : ProxyAdapter.forPath(path);
      if (path == null || !RequestPaths.isPlain(ownPart(path, proxy))) {
        throw new RequestContext.MalformedRequest();
      } else if (proxy != null) {
        auth.handle(request, proxy, client, start);
      } else if (LoginEndpoint.handles(path)) {
        login.handle(request, client, start);
      } else if (LifecycleApi.handles(path)) {
        api.handle(request, client, start);
      } else {
        request
            .response()
            .setStatusCode(404)
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("not found\n");
      }
    } catch (RequestContext.MalformedRequest e) {
      if (!request.response().ended()) {
        request
            .response()
            .setStatusCode(400)
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("bad request\n");
      }
    } catch (RuntimeException e) {
      // Never a 500 and never a 200: an unexpected failure is "cannot decide now".
      log.error("unexpected failure handling a request: {}", e.getClass().getName());
      if (!request.response().ended()) {
        request
            .response()
            .setStatusCode(503)
            .putHeader("Cache-Control", "no-store")
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("unavailable\n");
      }
    }
  }

  /**
   * The part of the path that the gateway routes on: all of it, except the browser's own path that
   * Envoy appends to its prefix, which is data for the app and is never routed on.
   */
  private static String ownPart(String path, ProxyAdapter proxy) {
    return proxy instanceof EnvoyAdapter ? ProxyAdapter.ENVOY_PREFIX : path;
  }

  private String clientAddress(HttpServerRequest request) {
    var peer = request.remoteAddress();
    return proxies.clientAddress(
        peer == null ? null : peer.hostAddress(),
        RequestContext.listHeader(request, "X-Forwarded-For"),
        request.headers().get("X-Real-IP"));
  }
}
