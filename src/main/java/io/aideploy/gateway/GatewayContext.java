package io.aideploy.gateway;

import io.aideploy.config.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/** The parts that every endpoint shares, wired once by {@link GatewayRuntime}. */
record GatewayContext(
    Settings settings,
    KubernetesClient client,
    AccessIndex index,
    Authorizer authorizer,
    AppLocator locator,
    FailedAttempts failures,
    LastUsedRecorder lastUsed,
    GatewayMetrics metrics,
    AuditLog audit,
    Signer signer,
    SessionCookie sessions,
    SignOut signOut,
    Clock clock) {

  void record(GatewayMetrics.Route route, Decision decision, String client, long startNanos) {
    metrics.record(route, decision, startNanos);
    audit.record(route, decision, client);
  }

  /** The session cookie's value, or null; a cookie header that does not parse counts as none. */
  String sessionCookie(HttpServerRequest request) {
    try {
      Cookie cookie = request.getCookie(SessionCookie.NAME);
      return cookie == null ? null : cookie.getValue();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
