package io.aideploy.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every setting of the server commands, immutable. {@link SettingsOptions} reads them from flags
 * and their {@code AIDEPLOY_*} environment twins, with the defaults documented there.
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
    Exposure exposure) {

  /** Default of {@link #sessionLifetime}. */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(12);

  /** Default of {@link #failedAuthLimit}. */
  public static final int DEFAULT_FAILED_AUTH_LIMIT = 30;

  /**
   * Default of {@link #trustedProxies}: loopback only. Trusting a range means believing whatever
   * address its members write into X-Forwarded-For, and private ranges hold every pod of a cluster,
   * not just ingress controllers; the proxies must be named explicitly (the Helm chart does, when
   * its NetworkPolicy lets only the ingress controller reach the gateway).
   */
  public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of("127.0.0.0/8", "::1/128");

  public Settings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    trustedProxies = List.copyOf(trustedProxies);
    exposure = exposure == null ? Exposure.INGRESS : exposure;
  }

  /** Settings with the gateway's own settings at their defaults. */
  public Settings(
      String baseDomain,
      URI gatewayUrl,
      URI loginUrl,
      String ingressClass,
      String tlsSecret,
      Set<String> watchNamespaces,
      int gatewayPort,
      int managementPort,
      boolean leaderElection,
      String leaderElectionNamespace) {
    this(
        baseDomain,
        gatewayUrl,
        loginUrl,
        ingressClass,
        tlsSecret,
        watchNamespaces,
        gatewayPort,
        managementPort,
        leaderElection,
        leaderElectionNamespace,
        null,
        DEFAULT_SESSION_LIFETIME,
        DEFAULT_FAILED_AUTH_LIMIT,
        DEFAULT_TRUSTED_PROXIES,
        Exposure.INGRESS);
  }

  /** These settings with another session key (null: random per process). */
  public Settings withSessionKey(String key) {
    return new Settings(
        baseDomain,
        gatewayUrl,
        loginUrl,
        ingressClass,
        tlsSecret,
        watchNamespaces,
        gatewayPort,
        managementPort,
        leaderElection,
        leaderElectionNamespace,
        key,
        sessionLifetime,
        failedAuthLimit,
        trustedProxies,
        exposure);
  }

  /** These settings with another failed-attempt limit. */
  public Settings withFailedAuthLimit(int limit) {
    return new Settings(
        baseDomain,
        gatewayUrl,
        loginUrl,
        ingressClass,
        tlsSecret,
        watchNamespaces,
        gatewayPort,
        managementPort,
        leaderElection,
        leaderElectionNamespace,
        sessionKey,
        sessionLifetime,
        limit,
        trustedProxies,
        exposure);
  }

  /** These settings with another way of exposing apps. */
  public Settings withExposure(Exposure other) {
    return new Settings(
        baseDomain,
        gatewayUrl,
        loginUrl,
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
        other);
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
