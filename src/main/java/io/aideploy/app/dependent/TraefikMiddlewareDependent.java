package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.AppContext;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Traefik's ForwardAuth for a non-Public app's HTTPRoute, which names it in an ExtensionRef filter.
 * Traefik sets X-Forwarded-Host, -Uri and -Method itself ({@code trustForwardHeader: false}), and
 * forwards only the listed client headers: without the list it would send every one.
 */
public class TraefikMiddlewareDependent extends GenericChildDependent {
  public static final String TRAEFIK_AUTH_PATH = "/auth/traefik";
  static final int MAX_RESPONSE_BODY = 65536;

  public TraefikMiddlewareDependent() {
    super(ExposureKinds.TRAEFIK_MIDDLEWARE);
  }

  @Override
  protected GenericKubernetesResource desired(AiApp app, Context<AiApp> context) {
    Settings settings = AppContext.settings(context);
    Map<String, Object> forwardAuth = new LinkedHashMap<>();
    forwardAuth.put(
        "address", settings.gatewayUrl().toString().replaceAll("/+$", "") + TRAEFIK_AUTH_PATH);
    forwardAuth.put("trustForwardHeader", false);
    forwardAuth.put("authRequestHeaders", HttpRouteDependent.AUTH_REQUEST_HEADERS);
    forwardAuth.put("authResponseHeaders", HttpRouteDependent.AUTH_RESPONSE_HEADERS);
    // Traefik reads a denial's body into memory to relay it, without a limit unless one is set;
    // the gateway's are a few bytes.
    forwardAuth.put("maxResponseBodySize", MAX_RESPONSE_BODY);
    return resource(childMetadata(app), Map.of("forwardAuth", forwardAuth));
  }
}
