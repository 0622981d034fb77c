package io.aideploy.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.kube.ErrorMessages;
import io.aideploy.kube.ExactWrites;
import io.aideploy.lifecycle.NewAppRequest;
import io.aideploy.lifecycle.RefusedRequest;
import io.aideploy.lifecycle.ScaleRequest;
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
 * The lifecycle API (docs/api.md): {@code GET|POST /v1/apps}, {@code GET /v1/apps/{id}}, {@code
 * POST /v1/apps/{id}/start|stop|scale}, {@code DELETE /v1/apps/{id}}. Bearer tokens only — a
 * browser session cookie is ignored here, so no other site can make a browser act (no CSRF). An app
 * the token does not cover is answered exactly like an unknown one (404), so scope never leaks
 * existence. Reads come from the index; only the mutations call the API server, off the event loop.
 * A created app is born inside the creating token's scope ({@link NewAppScope}).
 */
final class LifecycleApi {
  private static final Logger log = LoggerFactory.getLogger(LifecycleApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile(
          "/v1/apps(?:/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(?:/(start|stop|scale))?)?/?");

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
                ? method.equals(HttpMethod.GET) || method.equals(HttpMethod.POST)
                : method.equals(HttpMethod.GET) || method.equals(HttpMethod.DELETE);
    if (!allowed) {
      request.response().putHeader("Allow", allow(id, action));
      error(request, 405, "method not allowed");
      return;
    }
    Decision decision =
        AuthEndpoint.countFailure(
            gateway, decide(request, id, !method.equals(HttpMethod.GET)), client);
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
    if (id == null && method.equals(HttpMethod.POST)) {
      RequestBody.read(
          request, NewAppRequest.MAX_BYTES, body -> create(request, token, body, client));
      return;
    }
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
    } else if ("scale".equals(action)) {
      RequestBody.read(request, ScaleRequest.MAX_BYTES, body -> scale(request, app, body));
    } else if (action != null) {
      AppState state = action.equals("start") ? AppState.Running : AppState.Stopped;
      blocking(request, () -> patchSpec(app, Map.of("state", state.name())), 200, null);
    } else {
      blocking(request, () -> deleteExactly(gateway.client(), app), 202, null);
    }
  }

  private Decision decide(HttpServerRequest request, String id, boolean mutation) {
    // Bearer only: the session cookie is deliberately not read here.
    Credential credential =
        Credential.of(RequestContext.header(request, "Authorization"), () -> null);
    Decision authenticated = gateway.authorizer().authenticate(credential, id);
    if (!authenticated.allowed()) {
      return authenticated;
    }
    TokenEntry token = authenticated.token();
    if (id == null) {
      return mutation && token.role() != Role.Operator
          ? new Decision(Outcome.FORBIDDEN, Reason.READER_ROLE, token, null)
          : authenticated;
    }
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

  /**
   * Creates the app of {@code body} in the token's namespace, with labels that put it in the
   * token's scope, and checks on the created object that it really is in scope.
   */
  private void create(HttpServerRequest request, TokenEntry token, byte[] body, String client) {
    AiApp wanted;
    try {
      NewAppRequest app = NewAppRequest.parse(body);
      wanted = app.toAiApp(token.namespace(), NewAppScope.labels(token.selector(), app.labels()));
    } catch (RefusedRequest e) {
      error(request, e.status(), e.getMessage());
      return;
    }
    blocking(
        request,
        () -> {
          AppEntry created = AppEntry.from(gateway.client().resource(wanted).create());
          if (!token.covers(created)) {
            // Defence in depth: NewAppScope's labels should make this impossible.
            deleteExactly(gateway.client(), created);
            log.warn(
                "app {}/{} created with token {} fell outside its scope and was deleted",
                created.namespace(),
                created.name(),
                token.key());
            throw new RefusedRequest(
                422, "the created app fell outside this token's scope and was deleted");
          }
          gateway
              .audit()
              .record(
                  GatewayMetrics.Route.API,
                  new Decision(Outcome.ALLOW, Reason.APP_CREATED, token, created.id()),
                  client);
          return AppView.of(created, gateway.settings());
        },
        201,
        wanted.getMetadata().getName() == null
            ? "the generated name is taken; try again"
            : "an app named "
                + wanted.getMetadata().getName()
                + " already exists in this namespace; choose another name or omit it");
  }

  private void scale(HttpServerRequest request, AppEntry app, byte[] body) {
    Map<String, Object> spec;
    try {
      spec = ScaleRequest.parse(body).specPatch();
    } catch (RefusedRequest e) {
      error(request, e.status(), e.getMessage());
      return;
    }
    blocking(request, () -> patchSpec(app, spec), 200, null);
  }

  /** A merge patch of {@code spec} fields onto exactly the app the index knows. */
  private Map<String, Object> patchSpec(AppEntry app, Map<String, Object> spec) {
    AiApp patched =
        ExactWrites.mergePatch(
            gateway.client(),
            AiApp.class,
            app.namespace(),
            app.name(),
            app.id(),
            Map.of("spec", spec));
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

  /**
   * Runs an API server call off the event loop and answers with its result. A 409 means the app was
   * re-created between the index and the call (answered as gone), unless a {@code conflict} message
   * is given; the API server's own validation (422) is passed on, naming the field.
   */
  private void blocking(
      HttpServerRequest request, Callable<Map<String, Object>> call, int status, String conflict) {
    Vertx.currentContext()
        .executeBlocking(call, false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                json(request, status, result.result());
              } else if (result.cause() instanceof RefusedRequest e) {
                error(request, e.status(), e.getMessage());
              } else if (result.cause() instanceof KubernetesClientException e
                  && e.getCode() == 409
                  && conflict != null) {
                error(request, 409, conflict);
              } else if (result.cause() instanceof KubernetesClientException e
                  && (e.getCode() == 404 || e.getCode() == 409)) {
                // Gone or re-created between the index and the call.
                error(request, 404, "no such app");
              } else if (result.cause() instanceof KubernetesClientException e
                  && (e.getCode() == 422 || e.getCode() == 400)) {
                error(request, 422, ErrorMessages.of(e).replaceAll("\\s+", " "));
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
    return id == null ? "GET, POST" : "GET, DELETE";
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
