package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.AppContext;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy Gateway's external auth for a non-Public app's HTTPRoute: Envoy calls the gateway's Service
 * at {@code /auth/envoy} plus the original path and query, with Host, Method and the listed headers
 * ({@code Cookie} included, or browser sessions never reach the gateway), and copies the gateway's
 * X-Aideploy-* answer headers onto the request to the app.
 */
public class EnvoySecurityPolicyDependent extends GenericChildDependent {

  public EnvoySecurityPolicyDependent() {
    super(ExposureKinds.ENVOY_SECURITY_POLICY);
  }

  @Override
  protected GenericKubernetesResource desired(AiApp app, Context<AiApp> context) {
    Settings settings = AppContext.settings(context);
    Map<String, Object> backend = HttpRouteDependent.gatewayBackend(settings);
    backend.put("weight", 1); // a default of SecurityPolicy's backendRefs, not of ExternalAuth's
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("backendRefs", List.of(backend));
    http.put("path", HttpRouteDependent.authPath(settings));
    http.put("headersToBackend", HttpRouteDependent.AUTH_RESPONSE_HEADERS);
    Map<String, Object> extAuth = new LinkedHashMap<>();
    extAuth.put("http", http);
    extAuth.put("headersToExtAuth", HttpRouteDependent.AUTH_REQUEST_HEADERS);
    extAuth.put("failOpen", false); // the default, written out: a gateway outage must deny
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "targetRefs",
        List.of(
            Map.of(
                "group",
                ExposureKinds.GATEWAY_API_GROUP,
                "kind",
                ExposureKinds.HTTP_ROUTE.getKind(),
                "name",
                childName(app))));
    spec.put("extAuth", extAuth);
    return resource(childMetadata(app), spec);
  }
}
