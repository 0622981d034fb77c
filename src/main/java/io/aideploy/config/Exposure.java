package io.aideploy.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * How apps are exposed: an Ingress each ({@link Mode#INGRESS}, the default), or an HTTPRoute each
 * attached to a Gateway someone else runs ({@link Mode#GATEWAY_API}), with the external-auth
 * attachment of that Gateway's implementation.
 *
 * @param mode which kind of object exposes an app
 * @param parent the Gateway every HTTPRoute attaches to; null in Ingress mode
 * @param auth how the Gateway is told to ask the aideploy gateway; null in Ingress mode
 * @param gatewayService the aideploy gateway's Service, derived from the gateway URL; null when it
 *     is not a cluster Service address (only Envoy Gateway and the ExternalAuth filter need it)
 * @param istio what Istio's AuthorizationPolicies name and how often their orphans are looked for;
 *     used only with {@link AuthImplementation#ISTIO}
 */
public record Exposure(
    Mode mode,
    ParentGateway parent,
    AuthImplementation auth,
    ServiceAddress gatewayService,
    IstioOptions istio) {

  /** The default: an Ingress per app. */
  public static final Exposure INGRESS =
      new Exposure(Mode.INGRESS, null, null, null, IstioOptions.DEFAULT);

  public Exposure {
    if (mode == Mode.GATEWAY_API && (parent == null || auth == null)) {
      throw new IllegalArgumentException("gateway-api exposure needs a parent Gateway and an auth");
    }
    istio = istio == null ? IstioOptions.DEFAULT : istio;
  }

  /** Gateway API exposure through {@code parent}, authenticated by {@code auth}. */
  public static Exposure gatewayApi(
      ParentGateway parent, AuthImplementation auth, ServiceAddress gatewayService) {
    return new Exposure(Mode.GATEWAY_API, parent, auth, gatewayService, IstioOptions.DEFAULT);
  }

  /** This exposure with {@code options} for Istio's AuthorizationPolicies. */
  public Exposure withIstio(IstioOptions options) {
    return new Exposure(mode, parent, auth, gatewayService, options);
  }

  /** The constant whose flag is {@code value} (trimmed, any case); null if none is. */
  private static <E> E byFlag(E[] constants, Function<E, String> flag, String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    for (E constant : constants) {
      if (flag.apply(constant).equals(wanted)) {
        return constant;
      }
    }
    return null;
  }

  /** The kind of object that exposes each app. */
  public enum Mode {
    INGRESS("ingress"),
    GATEWAY_API("gateway-api");

    private final String flag;

    Mode(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }

    static Mode parse(String value) {
      return byFlag(values(), Mode::flag, value);
    }
  }

  /** The Gateway implementation's way of calling the aideploy gateway before each request. */
  public enum AuthImplementation {
    /** A Traefik ForwardAuth Middleware, referenced by an ExtensionRef filter of the route. */
    TRAEFIK("traefik"),
    /** An Envoy Gateway SecurityPolicy with extAuth.http, targeting the route. */
    ENVOY_GATEWAY("envoy-gateway"),
    /** Gateway API's own ExternalAuth filter (experimental channel, GEP-1494). */
    EXTERNAL_AUTH("external-auth"),
    /**
     * An Istio AuthorizationPolicy with action CUSTOM in the Gateway's namespace, naming the mesh's
     * extension provider.
     */
    ISTIO("istio");

    private final String flag;

    AuthImplementation(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }

    static AuthImplementation parse(String value) {
      return byFlag(values(), AuthImplementation::flag, value);
    }
  }

  /**
   * A Gateway, as an HTTPRoute's parentRef names it.
   *
   * @param sectionName the listener; null: every listener that allows the route
   */
  public record ParentGateway(String namespace, String name, String sectionName) {

    /** Parses {@code namespace/name} or {@code namespace/name/sectionName}; null if malformed. */
    public static ParentGateway parse(String value) {
      String[] parts = value.trim().split("/", -1);
      if (parts.length < 2 || parts.length > 3) {
        return null;
      }
      for (String part : parts) {
        if (!part.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
          return null;
        }
      }
      return new ParentGateway(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    @Override
    public String toString() {
      return namespace + "/" + name + (sectionName == null ? "" : "/" + sectionName);
    }
  }

  /** A Service port, as a backendRef names it. */
  public record ServiceAddress(String namespace, String name, int port) {

    /**
     * The Service behind a cluster address such as {@code http://name.namespace.svc:8080} or {@code
     * http://name.namespace.svc.cluster.local:8080}; null for any other host.
     */
    public static ServiceAddress of(java.net.URI url) {
      String[] labels = url.getHost().toLowerCase(Locale.ROOT).split("\\.");
      if (labels.length < 3 || !"svc".equals(labels[2])) {
        return null;
      }
      int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
      return new ServiceAddress(labels[1], labels[0], port);
    }
  }

  /**
   * Istio's side of the exposure.
   *
   * @param provider the name of the mesh's {@code envoyExtAuthzHttp} extension provider
   *     (meshConfig.extensionProviders) that every AuthorizationPolicy names
   * @param orphanSweep how often the policies of deleted apps are looked for and removed (also once
   *     at start)
   */
  public record IstioOptions(String provider, java.time.Duration orphanSweep) {
    public static final String DEFAULT_PROVIDER = "aideploy";
    public static final IstioOptions DEFAULT =
        new IstioOptions(DEFAULT_PROVIDER, java.time.Duration.ofMinutes(5));

    public IstioOptions {
      if (provider == null || provider.isBlank()) {
        throw new IllegalArgumentException("the Istio extension provider needs a name");
      }
      if (orphanSweep == null || orphanSweep.isNegative() || orphanSweep.isZero()) {
        throw new IllegalArgumentException("the orphan sweep needs a positive period");
      }
    }
  }
}
