package io.aideploy.config;

import java.net.URI;
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
    String leaderElectionNamespace) {

  public Settings {
    watchNamespaces = Set.copyOf(watchNamespaces);
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
