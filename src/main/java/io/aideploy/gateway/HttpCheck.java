package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** A check that a proxy made over HTTP, on one of the {@link ProxyAdapter} paths. */
final class HttpCheck implements AuthCheck {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final ProxyAdapter proxy;
  private final GatewayContext gateway;

  HttpCheck(HttpServerRequest request, ProxyAdapter proxy, GatewayContext gateway) {
    this.request = request;
    this.response = request.response();
    this.proxy = proxy;
    this.gateway = gateway;
  }

  @Override
  public GatewayMetrics.Route route() {
    return GatewayMetrics.Route.AUTH;
  }

  @Override
  public AppLocator.Located app(AppLocator locator) {
    return proxy.app(request, locator);
  }

  @Override
  public String header(String name) {
    return RequestContext.header(request, name);
  }

  @Override
  public String listHeader(String name) {
    return RequestContext.listHeader(request, name);
  }

  @Override
  public String sessionCookie() {
    return gateway.sessionCookie(request);
  }

  @Override
  public String method() {
    return proxy.method(request);
  }

  @Override
  public ProxyAdapter.BrowserRequest browserRequest() {
    return proxy.browserRequest(request);
  }

  @Override
  public boolean passesRedirects() {
    return proxy.passesRedirects(request);
  }

  @Override
  public AuthCheck status(int status) {
    response.setStatusCode(status);
    return this;
  }

  @Override
  public AuthCheck header(CharSequence name, CharSequence value) {
    response.putHeader(name, value);
    return this;
  }

  @Override
  public void end(String body) {
    response.end(body);
  }
}
