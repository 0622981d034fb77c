package io.aideploy.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every setting of the server commands, immutable, with each default in one constant here. {@link
 * SettingsOptions} reads them from flags and their {@code AIDEPLOY_*} environment twins; code and
 * tests build them with {@link #builder()}.
 *
 * @param baseDomain apps are served at {@code https://<ovh/id>.<baseDomain>}
 * @param gatewayUrl in-cluster URL that ingress controllers call for external auth
 * @param loginUrl public URL of the "Login with token" page
 * @param ingressClass ingressClassName of the Ingresses the operator creates
 * @param tlsSecret Secret with the TLS certificate of the app Ingresses; null: no TLS section
 * @param watchNamespaces namespaces whose AiApps and AiTokens are handled; empty: all
 * @param gatewayPort port of the gateway's HTTP server
 * @param managementPort port of /healthz, /readyz and /metrics
 * @param leaderElection whether operator replicas elect a leader through a Lease
 * @param leaderElectionNamespace namespace of the Lease
 * @param sessionKey HMAC key of the gateway's session cookies; null: a random key per process
 * @param sessionLifetime how long a browser session lasts at most
 * @param failedAuthLimit failed token attempts per client address and minute before 429
 * @param trustedProxies CIDRs whose X-Forwarded-For / X-Real-IP headers name the client
 * @param exposure whether apps get an Ingress or an HTTPRoute, and how it is authenticated
 * @param grpcPort port of the gateway's gRPC ext_authz server; {@link #GRPC_OFF}: none
 * @param authKeepalive idle connections to the gateway each ingress-nginx worker keeps open
 *     (ingress-nginx's {@code auth-keepalive} annotation on every app Ingress); 0: none, a new
 *     connection per check
 */
public record Settings(
    String baseDomain,
    URI gatewayUrl,
    URI loginUrl,
    String ingressClass,
    String tlsSecret,
    Set<String> watchNamespaces,
    int gatewayPort,
    int managementPort,
    boolean leaderElection,
    String leaderElectionNamespace,
    String sessionKey,
    Duration sessionLifetime,
    int failedAuthLimit,
    List<String> trustedProxies,
    Exposure exposure,
    int grpcPort,
    int authKeepalive) {

  /** {@link #grpcPort} when the gateway serves no gRPC (the default). */
  public static final int GRPC_OFF = -1;

  // The defaults below are the only place each is written: SettingsOptions' flags read them (so
  // --help shows them) and the builder starts from them. docs/configuration.md and the Helm chart
  // state them too; SettingsOptionsTest checks the flags and the builder agree.

  /** Default of {@link #baseDomain}. */
  public static final String DEFAULT_BASE_DOMAIN = "apps.aideploy.localhost";

  /** Default of {@link #gatewayPort}. */
  public static final int DEFAULT_GATEWAY_PORT = 8080;

  /** Default of {@link #gatewayUrl}: the Helm chart's Service, which uses the gateway's port. */
  public static final String DEFAULT_GATEWAY_URL =
      "http://aideploy-gateway.aideploy.svc.cluster.local:" + DEFAULT_GATEWAY_PORT;

  /** Default of {@link #ingressClass}. */
  public static final String DEFAULT_INGRESS_CLASS = "nginx";

  /** Default of {@link #managementPort}. */
  public static final int DEFAULT_MANAGEMENT_PORT = 8081;

  /** Default of {@link #sessionLifetime}, as the flag takes it. */
  public static final String DEFAULT_SESSION_LIFETIME_TEXT = "PT12H";

  /** Default of {@link #sessionLifetime}. */
  public static final Duration DEFAULT_SESSION_LIFETIME =
      Duration.parse(DEFAULT_SESSION_LIFETIME_TEXT);

  /** Largest {@link #authKeepalive}: idle connections per ingress-nginx worker. */
  public static final int MAX_AUTH_KEEPALIVE = 1024;

  /** Default of {@link #failedAuthLimit}. */
  public static final int DEFAULT_FAILED_AUTH_LIMIT = 30;

  /**
   * Default of {@link #trustedProxies}, comma-separated as the flag takes it: loopback only.
   * Trusting a range means believing whatever address its members write into X-Forwarded-For, and
   * private ranges hold every pod of a cluster, not just ingress controllers; the proxies must be
   * named explicitly (the Helm chart does, when its NetworkPolicy lets only the ingress controller
   * reach the gateway).
   */
  public static final String DEFAULT_TRUSTED_PROXIES_TEXT = "127.0.0.0/8,::1/128";

  /** Default of {@link #trustedProxies}. */
  public static final List<String> DEFAULT_TRUSTED_PROXIES =
      List.of(DEFAULT_TRUSTED_PROXIES_TEXT.split(","));

  public Settings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    trustedProxies = List.copyOf(trustedProxies);
    exposure = exposure == null ? Exposure.INGRESS : exposure;
  }

  /** Settings at their defaults, to be changed one by one. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.baseDomain = baseDomain;
    builder.gatewayUrl = gatewayUrl;
    builder.loginUrl = loginUrl;
    builder.ingressClass = ingressClass;
    builder.tlsSecret = tlsSecret;
    builder.watchNamespaces = watchNamespaces;
    builder.gatewayPort = gatewayPort;
    builder.managementPort = managementPort;
    builder.leaderElection = leaderElection;
    builder.leaderElectionNamespace = leaderElectionNamespace;
    builder.sessionKey = sessionKey;
    builder.sessionLifetime = sessionLifetime;
    builder.failedAuthLimit = failedAuthLimit;
    builder.trustedProxies = trustedProxies;
    builder.exposure = exposure;
    builder.grpcPort = grpcPort;
    builder.authKeepalive = authKeepalive;
    return builder;
  }

  /** Builds {@link Settings}; each field starts at its default. */
  public static final class Builder {
    private String baseDomain = DEFAULT_BASE_DOMAIN;
    private URI gatewayUrl = URI.create(DEFAULT_GATEWAY_URL);
    private URI loginUrl; // null: https://login.<baseDomain>/login
    private String ingressClass = DEFAULT_INGRESS_CLASS;
    private String tlsSecret;
    private Set<String> watchNamespaces = Set.of();
    private int gatewayPort = DEFAULT_GATEWAY_PORT;
    private int managementPort = DEFAULT_MANAGEMENT_PORT;
    private boolean leaderElection;
    private String leaderElectionNamespace;
    private String sessionKey;
    private Duration sessionLifetime = DEFAULT_SESSION_LIFETIME;
    private int failedAuthLimit = DEFAULT_FAILED_AUTH_LIMIT;
    private List<String> trustedProxies = DEFAULT_TRUSTED_PROXIES;
    private Exposure exposure = Exposure.INGRESS;
    private int grpcPort = GRPC_OFF;
    private int authKeepalive;

    private Builder() {}

    public Builder baseDomain(String value) {
      baseDomain = value;
      return this;
    }

    public Builder gatewayUrl(URI value) {
      gatewayUrl = value;
      return this;
    }

    /** The login page's URL; null: {@code https://login.<baseDomain>/login}. */
    public Builder loginUrl(URI value) {
      loginUrl = value;
      return this;
    }

    public Builder ingressClass(String value) {
      ingressClass = value;
      return this;
    }

    public Builder tlsSecret(String value) {
      tlsSecret = value;
      return this;
    }

    public Builder watchNamespaces(Set<String> value) {
      watchNamespaces = value;
      return this;
    }

    /** The gateway's HTTP port; 0: any free port. */
    public Builder gatewayPort(int value) {
      gatewayPort = value;
      return this;
    }

    /** The management port; 0: any free port. */
    public Builder managementPort(int value) {
      managementPort = value;
      return this;
    }

    public Builder leaderElection(boolean value) {
      leaderElection = value;
      return this;
    }

    public Builder leaderElectionNamespace(String value) {
      leaderElectionNamespace = value;
      return this;
    }

    /** The session cookies' HMAC key; null: random per process. */
    public Builder sessionKey(String value) {
      sessionKey = value;
      return this;
    }

    public Builder sessionLifetime(Duration value) {
      sessionLifetime = value;
      return this;
    }

    public Builder failedAuthLimit(int value) {
      failedAuthLimit = value;
      return this;
    }

    public Builder trustedProxies(List<String> value) {
      trustedProxies = value;
      return this;
    }

    public Builder exposure(Exposure value) {
      exposure = value;
      return this;
    }

    /** The gRPC ext_authz port; 0: any free port; {@link #GRPC_OFF}: no gRPC server. */
    public Builder grpcPort(int value) {
      grpcPort = value;
      return this;
    }

    /** Idle connections per ingress-nginx worker to the gateway; 0: none. */
    public Builder authKeepalive(int value) {
      authKeepalive = value;
      return this;
    }

    public Settings build() {
      return new Settings(
          baseDomain,
          gatewayUrl,
          loginUrl != null ? loginUrl : URI.create("https://login." + baseDomain + "/login"),
          ingressClass,
          tlsSecret,
          watchNamespaces,
          gatewayPort,
          managementPort,
          leaderElection,
          leaderElectionNamespace,
          sessionKey,
          sessionLifetime,
          failedAuthLimit,
          trustedProxies,
          exposure,
          grpcPort,
          authKeepalive);
    }
  }

  // The record's own toString would print the session key into any log line that shows settings.
  @Override
  public String toString() {
    return "Settings[baseDomain="
        + baseDomain
        + ", gatewayUrl="
        + gatewayUrl
        + ", loginUrl="
        + loginUrl
        + ", ingressClass="
        + ingressClass
        + ", tlsSecret="
        + tlsSecret
        + ", watchNamespaces="
        + watchNamespaces
        + ", gatewayPort="
        + gatewayPort
        + ", managementPort="
        + managementPort
        + ", leaderElection="
        + leaderElection
        + ", leaderElectionNamespace="
        + leaderElectionNamespace
        + ", sessionKey="
        + (sessionKey == null ? "random" : "(set)")
        + ", sessionLifetime="
        + sessionLifetime
        + ", failedAuthLimit="
        + failedAuthLimit
        + ", trustedProxies="
        + trustedProxies
        + ", exposure="
        + exposure
        + ", grpcPort="
        + (grpcPort == GRPC_OFF ? "off" : grpcPort)
        + ", authKeepalive="
        + authKeepalive
        + "]";
  }

  /** The HTTPS URL of the app whose {@code ovh/id} is {@code appId}. */
  public String appUrl(String appId) {
    return "https://" + appHost(appId) + "/";
  }

  /** The host name of the app whose {@code ovh/id} is {@code appId}. */
  public String appHost(String appId) {
    return appId + "." + baseDomain;
  }
}
