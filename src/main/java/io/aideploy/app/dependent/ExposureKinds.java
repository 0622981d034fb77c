package io.aideploy.app.dependent;

import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;

/** The custom kinds that Gateway API exposure writes, each from the CRD of its project. */
public final class ExposureKinds {
  private ExposureKinds() {}

  public static final String GATEWAY_API_GROUP = "gateway.networking.k8s.io";

  public static final GroupVersionKindPlural INGRESS =
      kind("networking.k8s.io", "v1", "Ingress", "ingresses");

  public static final GroupVersionKindPlural HTTP_ROUTE =
      kind(GATEWAY_API_GROUP, "v1", "HTTPRoute", "httproutes");

  /** Traefik's Middleware, here a ForwardAuth. */
  public static final GroupVersionKindPlural TRAEFIK_MIDDLEWARE =
      kind("traefik.io", "v1alpha1", "Middleware", "middlewares");

  /** Envoy Gateway's SecurityPolicy, here an extAuth. */
  public static final GroupVersionKindPlural ENVOY_SECURITY_POLICY =
      kind("gateway.envoyproxy.io", "v1alpha1", "SecurityPolicy", "securitypolicies");

  /** Istio's AuthorizationPolicy, here with action CUSTOM; lives in the Gateway's namespace. */
  public static final GroupVersionKindPlural ISTIO_AUTHORIZATION_POLICY =
      kind("security.istio.io", "v1", "AuthorizationPolicy", "authorizationpolicies");

  /** The CRD name of {@code kind} and the version the operator writes, as messages show it. */
  public static String crdName(GroupVersionKindPlural kind) {
    return kind.getPluralOrDefault() + "." + kind.getGroup() + " (" + kind.getVersion() + ")";
  }

  private static GroupVersionKindPlural kind(
      String group, String version, String kind, String plural) {
    return GroupVersionKindPlural.gvkWithPlural(new GroupVersionKind(group, version, kind), plural);
  }
}
