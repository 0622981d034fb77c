package io.aideploy.gateway;

/**
 * One external-auth check as {@link AuthEndpoint} sees it, whichever transport carried it: the HTTP
 * endpoints ({@link HttpCheck}) or Envoy's gRPC {@code Check} ({@link GrpcCheck}). Each reads the
 * app from its proxy's one trusted source; the decision and the answer are the endpoint's.
 */
interface AuthCheck {
  /** Which route the metrics and audit lines count this check under. */
  GatewayMetrics.Route route();

  /** The app the check is about, from the proxy's one source. */
  AppLocator.Located app(AppLocator locator);

  /**
   * The single value of a header of the browser's request, or null; a repeated one is malformed
   * ({@link RequestContext.MalformedRequest}).
   */
  String header(String name);

  /** All values of a list header joined with commas, or null. */
  String listHeader(String name);

  /** The session cookie's value, or null; a cookie header that does not parse counts as none. */
  String sessionCookie();

  /**
   * The browser's method as the proxy itself reports it, or null when it does not (or its sources
   * disagree): what a CORS preflight is recognised by.
   */
  String method();

  /** The browser's method and request-target, or null when the proxy does not say. */
  ProxyAdapter.BrowserRequest browserRequest();

  /** Whether answers other than 2xx, 401 and 403 reach the browser as written. */
  boolean passesRedirects();

  /** Starts the answer: its HTTP status. */
  AuthCheck status(int status);

  /** Adds a header to the answer. */
  AuthCheck header(CharSequence name, CharSequence value);

  /** Sends the answer with {@code body}. */
  void end(String body);
}
