package io.aideploy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The settings as command-line flags; each flag has an environment twin {@code AIDEPLOY_<FLAG>}
 * that sets its default. Every server command mixes in all of them, so one configuration serves
 * {@code operator}, {@code gateway} and {@code all}.
 */
public class SettingsOptions {
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$");

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--base-domain",
      defaultValue = "${env:AIDEPLOY_BASE_DOMAIN:-apps.aideploy.localhost}",
      description = "Apps are served at https://<ovh/id>.<base-domain>. Default: ${DEFAULT-VALUE}.")
  String baseDomain;

  @Option(
      names = "--gateway-url",
      defaultValue =
          "${env:AIDEPLOY_GATEWAY_URL:-http://aideploy-gateway.aideploy.svc.cluster.local:8080}",
      description =
          "In-cluster URL that ingress controllers call for /auth. Default: ${DEFAULT-VALUE}.")
  String gatewayUrl;

  @Option(
      names = "--login-url",
      defaultValue = "${env:AIDEPLOY_LOGIN_URL:-}",
      description =
          "Public URL of the 'Login with token' page. Default: https://login.<base-domain>/login.")
  String loginUrl;

  @Option(
      names = "--ingress-class",
      defaultValue = "${env:AIDEPLOY_INGRESS_CLASS:-nginx}",
      description = "ingressClassName of the app Ingresses. Default: ${DEFAULT-VALUE}.")
  String ingressClass;

  @Option(
      names = "--tls-secret",
      defaultValue = "${env:AIDEPLOY_TLS_SECRET:-}",
      description =
          "Secret (in each app's namespace) with the TLS certificate for the app hosts, e.g. a"
              + " wildcard certificate. Default: none (TLS terminated elsewhere).")
  String tlsSecret;

  @Option(
      names = "--watch-namespaces",
      defaultValue = "${env:AIDEPLOY_WATCH_NAMESPACES:-}",
      description = "Comma-separated namespaces to watch. Default: all namespaces.")
  String watchNamespaces;

  @Option(
      names = "--gateway-port",
      defaultValue = "${env:AIDEPLOY_GATEWAY_PORT:-8080}",
      description = "Port of the gateway's HTTP server. Default: ${DEFAULT-VALUE}.")
  int gatewayPort;

  @Option(
      names = "--management-port",
      defaultValue = "${env:AIDEPLOY_MANAGEMENT_PORT:-8081}",
      description = "Port of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
  int managementPort;

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "${env:AIDEPLOY_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      description =
          "Elect one active operator among replicas through a Lease. Default: ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(
      names = "--leader-election-namespace",
      defaultValue = "${env:AIDEPLOY_LEADER_ELECTION_NAMESPACE:-}",
      description =
          "Namespace of the leader-election Lease. Default: the pod's own namespace, else default.")
  String leaderElectionNamespace;

  /** Checks the flags and turns them into settings; a bad value is a usage error. */
  public Settings toSettings() {
    String domain = baseDomain.trim().toLowerCase();
    if (!DNS_NAME.matcher(domain).matches()) {
      throw usage(
          "--base-domain must be a DNS name such as apps.example.com, not '" + baseDomain + "'");
    }
    URI gateway = httpUrl("--gateway-url", gatewayUrl);
    URI login =
        loginUrl.isBlank()
            ? URI.create("https://login." + domain + "/login")
            : httpUrl("--login-url", loginUrl);
    if (gatewayPort < 1 || gatewayPort > 65535 || managementPort < 1 || managementPort > 65535) {
      throw usage("--gateway-port and --management-port must be between 1 and 65535");
    }
    Set<String> namespaces = new LinkedHashSet<>();
    Arrays.stream(watchNamespaces.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(namespaces::add);
    return new Settings(
        domain,
        gateway,
        login,
        ingressClass.trim(),
        tlsSecret.isBlank() ? null : tlsSecret.trim(),
        namespaces,
        gatewayPort,
        managementPort,
        leaderElection,
        leaderElectionNamespace.isBlank() ? null : leaderElectionNamespace.trim());
  }

  private URI httpUrl(String flag, String value) {
    try {
      URI uri = new URI(value.trim());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw usage(flag + " must be an http(s) URL, not '" + value + "'");
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
