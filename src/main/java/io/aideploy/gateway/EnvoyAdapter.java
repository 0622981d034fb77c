package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;

/**
 * Envoy and Istio ext_authz (HTTP service) with {@code path_prefix: /auth/envoy}: Envoy sends the
 * browser's method, its {@code Host} and {@code /auth/envoy<browser path>?<browser query>}. The
 * {@code Host} is the app; the path and query after the prefix are the browser's, so they are data
 * and never parameters: {@code ?app=} there means nothing.
 */
final class EnvoyAdapter implements ProxyAdapter {
  static final EnvoyAdapter INSTANCE = new EnvoyAdapter();

  private EnvoyAdapter() {}

  @Override
  public String name() {
    return "envoy";
  }

  @Override
  public AppLocator.Located app(HttpServerRequest request, AppLocator locator) {
    String host = RequestContext.header(request, "Host");
    return host == null ? AppLocator.Located.MALFORMED : locator.fromHost(host);
  }

  @Override
  public String method(HttpServerRequest request) {
    return request.method().name(); // Envoy's check request has the browser's method
  }

  @Override
  public BrowserRequest browserRequest(HttpServerRequest request) {
    return browserRequest(request.method().name(), request.uri().substring(ENVOY_PREFIX.length()));
  }

  /** The browser's request from Envoy's words, over HTTP or gRPC: a target always starts with /. */
  static BrowserRequest browserRequest(String method, String target) {
    return new BrowserRequest(
        method, target.isEmpty() || target.charAt(0) != '/' ? "/" + target : target);
  }

  @Override
  public boolean passesRedirects(HttpServerRequest request) {
    return true; // a denied check's status, headers and body go to the browser
  }
}
