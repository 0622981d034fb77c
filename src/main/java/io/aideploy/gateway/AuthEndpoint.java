package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Role;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code /auth} (any method, and any path below it for Envoy's path prefix): the external-auth
 * check that ingress controllers call for every request to every app.
 */
final class AuthEndpoint {
  static final String TOKEN_HEADER = "X-Aideploy-Token";
  static final String ROLE_HEADER = "X-Aideploy-Role";
  static final String CHALLENGE = "Bearer realm=\"aideploy\"";

  // Encoded once: these go out with every answer (see HttpHeaders.createOptimized).
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence TOKEN = HttpHeaders.createOptimized(TOKEN_HEADER);
  private static final CharSequence ROLE = HttpHeaders.createOptimized(ROLE_HEADER);
  private static final CharSequence WWW_AUTHENTICATE =
      HttpHeaders.createOptimized("WWW-Authenticate");
  private static final CharSequence BEARER_CHALLENGE = HttpHeaders.createOptimized(CHALLENGE);
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence TEXT_PLAIN =
      HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final Map<Role, CharSequence> ROLES = new EnumMap<>(Role.class);

  static {
    for (Role role : Role.values()) {
      ROLES.put(role, HttpHeaders.createOptimized(role.name()));
    }
  }

  private final GatewayContext gateway;

  AuthEndpoint(GatewayContext gateway) {
    this.gateway = gateway;
  }

  void handle(HttpServerRequest request, String client, long startNanos) {
    Decision decision;
    try {
      decision = decide(request, client);
    } catch (RequestContext.MalformedRequest e) {
      decision = Decision.of(Outcome.BAD_REQUEST, Reason.MALFORMED_REQUEST, null);
    }
    if (decision.isFailedAttempt()) {
      gateway.failures().recordFailure(client);
    }
    if (decision.allowed() && decision.token() != null) {
      gateway.lastUsed().used(decision.token());
    }
    gateway.record(GatewayMetrics.Route.AUTH, decision, client, startNanos);
    answer(request.response(), decision, gateway.failures().retryAfterSeconds(client));
  }

  private Decision decide(HttpServerRequest request, String client) {
    AppLocator.Located located =
        gateway
            .locator()
            .locate(
                RequestContext.queryParam(request, "app"),
                RequestContext.header(request, "X-Original-URL"),
                RequestContext.header(request, "X-Forwarded-Host"),
                RequestContext.header(request, "Host"));
    Credential credential =
        Credential.of(
            RequestContext.header(request, "Authorization"), () -> gateway.sessionCookie(request));
    if (!(credential instanceof Credential.None)) {
      long retryAfter = gateway.failures().retryAfterSeconds(client);
      if (retryAfter > 0 && gateway.index().isSynced()) {
        return Decision.of(Outcome.RATE_LIMITED, Reason.RATE_LIMITED, located.appId());
      }
    }
    return gateway.authorizer().authorize(located, credential);
  }

  static void answer(HttpServerResponse response, Decision decision, long retryAfterSeconds) {
    response.setStatusCode(decision.outcome().status);
    response.putHeader(CACHE_CONTROL, NO_STORE);
    switch (decision.outcome()) {
      case ALLOW -> {
        if (decision.token() != null) {
          response.putHeader(TOKEN, decision.token().name());
          response.putHeader(ROLE, ROLES.get(decision.token().role()));
        }
      }
      case UNAUTHENTICATED -> response.putHeader(WWW_AUTHENTICATE, BEARER_CHALLENGE);
      case RATE_LIMITED -> response.putHeader("Retry-After", Long.toString(retryAfterSeconds));
      case UNAVAILABLE -> response.putHeader("Retry-After", "1");
      default -> {}
    }
    response.putHeader(CONTENT_TYPE, TEXT_PLAIN);
    response.end(decision.outcome().body());
  }
}
