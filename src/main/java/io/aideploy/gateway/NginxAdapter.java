package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;

/**
 * ingress-nginx: the operator writes {@code auth-url: <gateway>/auth?app=<ovh/id>} into the app's
 * Ingress, and nginx builds the subrequest from that URL alone, so the {@code app} parameter is the
 * proxy's word; the browser's query never reaches it. A missing {@code app} is a malformed call,
 * never a reason to look at {@code Host} or forwarded headers. The browser's request is in {@code
 * X-Original-URL} and {@code X-Original-Method}, which ingress-nginx sets on every subrequest.
 */
final class NginxAdapter implements ProxyAdapter {
  static final NginxAdapter INSTANCE = new NginxAdapter();

  private NginxAdapter() {}

  @Override
  public String name() {
    return "ingress-nginx";
  }

  @Override
  public AppLocator.Located app(HttpServerRequest request, AppLocator locator) {
    String id = RequestContext.queryParam(request, "app");
    return id != null && AppLocator.isId(id)
        ? new AppLocator.Located(id, false)
        : AppLocator.Located.MALFORMED;
  }

  /**
   * ingress-nginx sets {@code X-Original-Method} and passes a client's {@code X-Forwarded-Method}
   * on; Traefik's ingress-nginx provider sets {@code X-Forwarded-Method} and passes a client's
   * {@code X-Original-Method} on. Which proxy called is not known here, so each of the two that is
   * present must say the same: a client can then only add a constraint, never choose the method.
   */
  @Override
  public String method(HttpServerRequest request) {
    String original = RequestContext.header(request, "X-Original-Method");
    String forwarded = RequestContext.header(request, "X-Forwarded-Method");
    if (original == null || forwarded == null) {
      return original == null ? forwarded : original;
    }
    return original.equals(forwarded) ? original : null;
  }

  @Override
  public BrowserRequest browserRequest(HttpServerRequest request) {
    String url = RequestContext.header(request, "X-Original-URL");
    if (url == null) {
      return TraefikAdapter.INSTANCE.browserRequest(request);
    }
    String method = RequestContext.header(request, "X-Original-Method");
    String target = AppLocator.targetOfUrl(url);
    return target == null ? null : new BrowserRequest(method == null ? "GET" : method, target);
  }

  @Override
  public boolean passesRedirects(HttpServerRequest request) {
    // auth_request knows 2xx, 401 and 403 only; Traefik passes anything.
    return !request.headers().contains("X-Original-URL")
        && request.headers().contains("X-Forwarded-Uri");
  }
}
