package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;

/**
 * One proxy's way into the external-auth check. Each proxy calls its own path, and its adapter
 * reads exactly one thing to find the app: the thing that proxy sets itself and a client cannot.
 * Nothing else in the request is consulted, so adding a proxy cannot weaken another
 * (docs/security.md). The decision itself is {@link AuthEndpoint}'s, the same for all of them.
 */
interface ProxyAdapter {
  /** The path of ingress-nginx (and Traefik's ingress-nginx provider): {@code /auth?app=<id>}. */
  String NGINX_PATH = "/auth";

  /** The path prefix of Envoy and Istio ext_authz; Envoy appends the browser's path to it. */
  String ENVOY_PREFIX = "/auth/envoy";

  /** The path of Traefik's ForwardAuth middleware. */
  String TRAEFIK_PATH = "/auth/traefik";

  /** The adapter that serves {@code path}, or null when no proxy calls it. */
  static ProxyAdapter forPath(String path) {
    if (path.equals(NGINX_PATH)) {
      return NginxAdapter.INSTANCE;
    }
    if (path.equals(TRAEFIK_PATH)) {
      return TraefikAdapter.INSTANCE;
    }
    if (path.equals(ENVOY_PREFIX) || path.startsWith(ENVOY_PREFIX + "/")) {
      return EnvoyAdapter.INSTANCE;
    }
    return null;
  }

  /** A short name for logs and docs. */
  String name();

  /** The app the request is about, from this proxy's one source. */
  AppLocator.Located app(HttpServerRequest request, AppLocator locator);

  /**
   * The browser's method from the source this proxy sets itself, or null when there is none or two
   * sources disagree. Never a header the client could have written in the proxy's place.
   */
  String method(HttpServerRequest request);

  /**
   * What the browser asked the proxy for: its method and request-target (path and query), or null
   * when this proxy does not say. Used only for the sign-in hand-off and sign-out, never to choose
   * the app.
   */
  BrowserRequest browserRequest(HttpServerRequest request);

  /**
   * Whether an answer other than 2xx, 401 and 403 reaches the browser as the gateway wrote it
   * (Envoy and Traefik: yes; nginx's auth_request: no), so that the sign-in hand-off, sign-out and
   * a browser without a session may be redirected.
   */
  boolean passesRedirects(HttpServerRequest request);

  /** The browser's request as a proxy reports it. */
  record BrowserRequest(String method, String target) {
    /** The path part of the target. */
    String path() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }

    /** The query part of the target, without '?', or null. */
    String query() {
      int query = target.indexOf('?');
      return query < 0 ? null : target.substring(query + 1);
    }
  }
}
