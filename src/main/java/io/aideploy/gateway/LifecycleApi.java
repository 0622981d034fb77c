package io.aideploy.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.kube.ExactWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle API (docs/api.md): {@code GET /v1/apps}, {@code GET /v1/apps/{id}}, {@code POST
 * /v1/apps/{id}/start|stop}, {@code DELETE /v1/apps/{id}}. Bearer tokens only — a browser session
 * cookie is ignored here, so no other site can make a browser act (no CSRF). An app the token does
 * not cover is answered exactly like an unknown one (404), so scope never leaks existence. Reads
 * come from the index; only the three mutations call the API server, off the event loop.
 */
final class LifecycleApi {
  private static final Logger log = LoggerFactory.getLogger(LifecycleApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile("/v1/apps(?:/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(?:/(start|stop))?)?/?");

  private final GatewayContext gateway;

  LifecycleApi(GatewayContext gateway) {
    this.gateway = gateway;
  }

  static boolean handles(String path) {
    return path.equals("/v1/apps") || path.startsWith("/v1/apps/");
  }

  void handle(HttpServerRequest request, String client, long start) {
    Matcher path = PATH.matcher(request.path());
    if (!path.matches()) {
      error(request, 404, "no such endpoint");
      return;
    }
    String id = path.group(1);
    String action = path.group(3);
    HttpMethod method = request.method();
    boolean allowed =
        action != null
            ? method.equals(HttpMethod.POST)
            : id == null
                ? method.equals(HttpMethod.GET)
                : method.equals(HttpMethod.GET) || method.equals(HttpMethod.DELETE);
    if (!allowed) {
      request.response().putHeader("Allow", allow(id, action));
      error(request, 405, "method not allowed");
      return;
    }
    Decision decision =
        AuthEndpoint.countFailure(
            gateway,
            decide(request, id, action != null || method.equals(HttpMethod.DELETE)),
            client);
    if (decision.token() != null && decision.outcome() != Outcome.UNAUTHENTICATED) {
      // Any authenticated use counts, even one refused for scope or role.
      gateway.lastUsed().used(decision.token());
    }
    gateway.record(GatewayMetrics.Route.API, decision, client, start);
    if (!decision.allowed()) {
      refuse(request, decision, client);
      return;
    }
    TokenEntry token = decision.token();
    if (id == null) {
      List<Map<String, Object>> apps =
          gateway.index().apps().stream()
              .filter(token::covers)
              .sorted(Comparator.comparing(AppEntry::namespace).thenComparing(AppEntry::name))
              .map(app -> AppView.of(app, gateway.settings()))
              .toList();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("items", apps);
      json(request, 200, body);
      return;
    }
    AppEntry app = gateway.index().app(id);
    if (action == null && method.equals(HttpMethod.GET)) {
      json(request, 200, AppView.of(app, gateway.settings()));
    } else if (action != null) {
      AppState state = action.equals("start") ? AppState.Running : AppState.Stopped;
      blocking(request, () -> setState(app, state), 200);
    } else {
      blocking(request, () -> deleteExactly(gateway.client(), app), 202);
    }
  }

  private Decision decide(HttpServerRequest request, String id, boolean mutation) {
    // Bearer only: the session cookie is deliberately not read here.
    Credential credential =
        Credential.of(RequestContext.header(request, "Authorization"), () -> null);
    Decision authenticated = gateway.authorizer().authenticate(credential, id);
    if (!authenticated.allowed() || id == null) {
      return authenticated;
    }
    TokenEntry token = authenticated.token();
    AppEntry app = gateway.index().app(id);
    if (app == null) {
      return new Decision(Outcome.NOT_FOUND, Reason.UNKNOWN_APP, token, id);
    }
    Decision scoped = gateway.authorizer().scope(token, app);
    if (!scoped.allowed()) {
      return new Decision(Outcome.NOT_FOUND, scoped.reason(), token, id);
    }
    if (mutation && token.role() != Role.Operator) {
      return new Decision(Outcome.FORBIDDEN, Reason.READER_ROLE, token, id);
    }
    return scoped;
  }

  private void refuse(HttpServerRequest request, Decision decision, String client) {
    var response = request.response();
    String message =
        switch (decision.outcome()) {
          case UNAUTHENTICATED -> {
            response.putHeader("WWW-Authenticate", AuthEndpoint.CHALLENGE);
            yield "a valid bearer token is required";
          }
          case FORBIDDEN -> "this token's role (Reader) may not change apps";
          case NOT_FOUND -> "no such app";
          case RATE_LIMITED -> {
            response.putHeader(
                "Retry-After", Long.toString(gateway.failures().retryAfterSeconds(client)));
            yield "too many failed attempts; try again later";
          }
          case UNAVAILABLE -> {
            response.putHeader("Retry-After", "1");
            yield "the gateway is starting; try again shortly";
          }
          default -> "bad request";
        };
    error(request, decision.outcome().status, message);
  }

  private Map<String, Object> setState(AppEntry app, AppState state) {
    AiApp patched =
        ExactWrites.mergePatch(
            gateway.client(),
            AiApp.class,
            app.namespace(),
            app.name(),
            app.id(),
            Map.of("spec", Map.of("state", state.name())));
    return AppView.of(AppEntry.from(patched), gateway.settings());
  }

  /**
   * Deletes exactly the app the index knows: if the cache is behind and the app was deleted and
   * re-created under the same name, the API server refuses (409) rather than delete the new one.
   */
  static Map<String, Object> deleteExactly(KubernetesClient client, AppEntry app) {
    ExactWrites.delete(client, AiApp.class, app.namespace(), app.name(), app.id());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", app.id());
    body.put("message", "deletion requested");
    return body;
  }

  private void blocking(HttpServerRequest request, Callable<Map<String, Object>> call, int status) {
    Vertx.currentContext()
        .executeBlocking(call, false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                json(request, status, result.result());
              } else if (result.cause() instanceof KubernetesClientException e
                  && (e.getCode() == 404 || e.getCode() == 409)) {
                // Gone or re-created between the index and the call.
                error(request, 404, "no such app");
              } else {
                log.warn(
                    "lifecycle call failed: {}",
                    result.cause() instanceof KubernetesClientException e
                        ? "HTTP " + e.getCode()
                        : result.cause().getClass().getName());
                error(request, 502, "the Kubernetes API server did not accept the change");
              }
            });
  }

  private static String allow(String id, String action) {
    if (action != null) {
      return "POST";
    }
    return id == null ? "GET" : "GET, DELETE";
  }

  static void error(HttpServerRequest request, int status, String message) {
    json(request, status, Map.of("message", message));
  }

  static void json(HttpServerRequest request, int status, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      status = 503;
      text = "{\"message\":\"cannot encode the answer\"}";
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(text);
  }
}
