package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Streaming;
import io.aideploy.app.AppContext;
import io.aideploy.config.Exposure;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The app's HTTPRoute (Gateway API exposure): {@code <ovh/id>.<base-domain>} on the configured
 * Gateway, to the app's Service. Every default the API server would fill in is written out, so that
 * server-side apply sees no difference on the next reconcile. Unless the app is Public, the route
 * carries the filter of the configured auth implementation, if it has one (Traefik's Middleware,
 * Gateway API's ExternalAuth); Envoy Gateway and Istio attach their policies from outside the
 * route.
 */
public class HttpRouteDependent extends GenericChildDependent {
  /** The gateway's endpoint for proxies that append the original path (Envoy ext_authz). */
  public static final String ENVOY_AUTH_PATH = "/auth/envoy";

  /**
   * Client headers the check must see: the token, the session cookie, HTML or not; for apps that
   * list CORS origins, what makes a preflight (Origin, Access-Control-Request-Method) and the
   * method overrides that disqualify one (an app honouring them would take the OPTIONS for another
   * method).
   */
  static final List<String> AUTH_REQUEST_HEADERS =
      List.of(
          "Authorization",
          "Cookie",
          "Accept",
          "Origin",
          "Access-Control-Request-Method",
          "X-HTTP-Method-Override",
          "X-HTTP-Method",
          "X-Method-Override");

  /** Headers the gateway answers with, copied onto the request to the app. */
  static final List<String> AUTH_RESPONSE_HEADERS = List.of("X-Aideploy-Token", "X-Aideploy-Role");

  public HttpRouteDependent() {
    super(ExposureKinds.HTTP_ROUTE);
  }

  @Override
  protected GenericKubernetesResource desired(AiApp app, Context<AiApp> context) {
    Settings settings = AppContext.settings(context);
    Exposure exposure = settings.exposure();
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))));
    if (app.getSpec().getAccess() != Access.Public) {
      authFilter(app, settings).ifPresent(filter -> rule.put("filters", List.of(filter)));
    }
    rule.put(
        "backendRefs",
        List.of(
            Map.of(
                "group",
                "",
                "kind",
                "Service",
                "name",
                childName(app),
                "port",
                ServiceDependent.PORT,
                "weight",
                1)));
    if (Streaming.on(app.getSpec())) {
      rule.put("timeouts", streamTimeouts(app.getSpec().getStreaming()));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(parentRef(exposure.parent())));
    spec.put("hostnames", List.of(settings.appHost(app.getMetadata().getUid())));
    spec.put("rules", List.of(rule));
    return resource(childMetadata(app), spec);
  }

  /**
   * A streaming app's rule: without {@code timeouts.request} some implementations end every
   * response after a default (Envoy's route timeout, 15 s), stream or not; "0s" lifts it. With
   * {@code maxStreamSeconds} it is the bound on a whole request, stream included, for those that
   * honour it (docs/gateway-api.md).
   */
  static Map<String, Object> streamTimeouts(Streaming streaming) {
    Integer max = streaming.getMaxStreamSeconds();
    return Map.of("request", (max == null ? 0 : max) + "s");
  }

  private static Map<String, Object> parentRef(Exposure.ParentGateway parent) {
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("group", ExposureKinds.GATEWAY_API_GROUP);
    ref.put("kind", "Gateway");
    ref.put("namespace", parent.namespace());
    ref.put("name", parent.name());
    if (parent.sectionName() != null) {
      ref.put("sectionName", parent.sectionName());
    }
    return ref;
  }

  private static Optional<Map<String, Object>> authFilter(AiApp app, Settings settings) {
    Exposure exposure = settings.exposure();
    return switch (exposure.auth()) {
      case TRAEFIK ->
          Optional.of(
              Map.of(
                  "type",
                  "ExtensionRef",
                  "extensionRef",
                  Map.of(
                      "group",
                      ExposureKinds.TRAEFIK_MIDDLEWARE.getGroup(),
                      "kind",
                      ExposureKinds.TRAEFIK_MIDDLEWARE.getKind(),
                      "name",
                      childName(app))));
      case EXTERNAL_AUTH -> Optional.of(externalAuth(settings));
      case ENVOY_GATEWAY, ISTIO -> Optional.empty();
    };
  }

  /**
   * GEP-1494's filter: the Gateway calls the gateway's Service at {@link #ENVOY_AUTH_PATH} plus the
   * original path and query, with Host, Method, Authorization and the listed headers. Across
   * namespaces this needs a ReferenceGrant in the gateway's namespace (the Helm chart renders it).
   */
  private static Map<String, Object> externalAuth(Settings settings) {
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("path", authPath(settings));
    http.put("allowedHeaders", AUTH_REQUEST_HEADERS);
    http.put("allowedResponseHeaders", AUTH_RESPONSE_HEADERS);
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("protocol", "HTTP");
    auth.put("backendRef", gatewayBackend(settings));
    auth.put("http", http);
    return Map.of("type", "ExternalAuth", "externalAuth", auth);
  }

  /** A backendRef to the aideploy gateway's Service, defaults written out. */
  static Map<String, Object> gatewayBackend(Settings settings) {
    Exposure.ServiceAddress gateway = settings.exposure().gatewayService();
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("group", "");
    backend.put("kind", "Service");
    backend.put("name", gateway.name());
    backend.put("namespace", gateway.namespace());
    backend.put("port", gateway.port());
    return backend;
  }

  /** {@link #ENVOY_AUTH_PATH} under the gateway URL's own path, if it has one. */
  static String authPath(Settings settings) {
    String base = settings.gatewayUrl().getRawPath();
    return (base == null ? "" : base.replaceAll("/+$", "")) + ENVOY_AUTH_PATH;
  }
}
