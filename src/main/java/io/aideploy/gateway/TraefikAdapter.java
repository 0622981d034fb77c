package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;

/**
 * Traefik ForwardAuth at {@code /auth/traefik}: Traefik sets {@code X-Forwarded-Host}, {@code
 * X-Forwarded-Uri} and {@code X-Forwarded-Method} from the browser's request, replacing what the
 * browser sent as long as the middleware has {@code trustForwardHeader: false} and the entrypoint
 * trusts no forwarded headers. Only {@code X-Forwarded-Host} names the app; a list of hosts means
 * some hop kept a client's value, and is refused.
 */
final class TraefikAdapter implements ProxyAdapter {
  static final TraefikAdapter INSTANCE = new TraefikAdapter();

  private TraefikAdapter() {}

  @Override
  public String name() {
    return "traefik";
  }

  @Override
  public AppLocator.Located app(HttpServerRequest request, AppLocator locator) {
    String host = RequestContext.header(request, "X-Forwarded-Host");
    return host == null || host.indexOf(',') >= 0
        ? AppLocator.Located.MALFORMED
        : locator.fromHost(host);
  }

  @Override
  public String method(HttpServerRequest request) {
    return RequestContext.header(request, "X-Forwarded-Method");
  }

  @Override
  public BrowserRequest browserRequest(HttpServerRequest request) {
    String uri = RequestContext.header(request, "X-Forwarded-Uri");
    String method = RequestContext.header(request, "X-Forwarded-Method");
    if (uri == null || uri.isEmpty() || uri.charAt(0) != '/') {
      return null;
    }
    return new BrowserRequest(method == null ? "GET" : method, uri);
  }

  @Override
  public boolean passesRedirects(HttpServerRequest request) {
    return true; // non-2xx answers, Location and Set-Cookie included, go to the browser
  }
}
