package io.aideploy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
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

  /** A namespace name: a DNS-1123 label. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--base-domain",
      defaultValue = "${env:AIDEPLOY_BASE_DOMAIN:-" + Settings.DEFAULT_BASE_DOMAIN + "}",
      description = "Apps are served at https://<ovh/id>.<base-domain>. Default: ${DEFAULT-VALUE}.")
  String baseDomain;

  @Option(
      names = "--gateway-url",
      defaultValue = "${env:AIDEPLOY_GATEWAY_URL:-" + Settings.DEFAULT_GATEWAY_URL + "}",
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
      defaultValue = "${env:AIDEPLOY_INGRESS_CLASS:-" + Settings.DEFAULT_INGRESS_CLASS + "}",
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
      names = "--auth-keepalive",
      defaultValue = "${env:AIDEPLOY_AUTH_KEEPALIVE:-0}",
      description =
          "Idle connections to the gateway that each ingress-nginx worker keeps open"
              + " (the auth-keepalive annotation of every app Ingress; ingress-nginx honours it"
              + " with use-http2: \"false\"). Default: ${DEFAULT-VALUE}, a new connection per"
              + " check.")
  int authKeepalive;

  @Option(
      names = "--watch-namespaces",
      defaultValue = "${env:AIDEPLOY_WATCH_NAMESPACES:-}",
      description = "Comma-separated namespaces to watch. Default: all namespaces.")
  String watchNamespaces;

  @Option(
      names = "--gateway-port",
      defaultValue = "${env:AIDEPLOY_GATEWAY_PORT:-" + Settings.DEFAULT_GATEWAY_PORT + "}",
      description = "Port of the gateway's HTTP server. Default: ${DEFAULT-VALUE}.")
  int gatewayPort;

  @Option(
      names = "--grpc-port",
      defaultValue = "${env:AIDEPLOY_GRPC_PORT:-0}",
      description =
          "Port of the gateway's gRPC ext_authz server (envoy.service.auth.v3.Authorization),"
              + " for Envoy's grpc_service. Default: 0, no gRPC server.")
  int grpcPort;

  @Option(
      names = "--management-port",
      defaultValue = "${env:AIDEPLOY_MANAGEMENT_PORT:-" + Settings.DEFAULT_MANAGEMENT_PORT + "}",
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

  @Option(
      names = "--session-key-file",
      paramLabel = "<path>",
      defaultValue = "${env:AIDEPLOY_SESSION_KEY_FILE:-}",
      description =
          "File holding the HMAC key (at least 32 characters; a trailing newline is ignored) that"
              + " signs the gateway's browser session cookies; or set the key itself in"
              + " AIDEPLOY_SESSION_KEY. Give every gateway replica the same one, e.g. from a"
              + " Secret. Changing it signs everyone out. Default: a random key per process.")
  String sessionKeyFile;

  // The key itself is never a flag: its value would show in the process list. The option exists
  // only to turn an old command line into a clear error instead of "unknown option".
  @Option(names = "--session-key", hidden = true, arity = "0..1", fallbackValue = "")
  void refuseSessionKeyFlag(String ignored) {
    throw usage(
        "--session-key is not accepted: a flag's value is visible in the process list; put the"
            + " key in a file and pass --session-key-file <path>, or set AIDEPLOY_SESSION_KEY");
  }

  /** Reads environment variables; tests replace it. */
  Function<String, String> environment = System::getenv;

  @Option(
      names = "--session-lifetime",
      defaultValue =
          "${env:AIDEPLOY_SESSION_LIFETIME:-" + Settings.DEFAULT_SESSION_LIFETIME_TEXT + "}",
      description =
          "Longest life of a browser session: 12h, ISO-8601 PT12H, or minutes (720)."
              + " Default: ${DEFAULT-VALUE}.")
  String sessionLifetime;

  @Option(
      names = "--failed-auth-limit",
      defaultValue =
          "${env:AIDEPLOY_FAILED_AUTH_LIMIT:-" + Settings.DEFAULT_FAILED_AUTH_LIMIT + "}",
      description =
          "Failed token attempts per client address and minute before the gateway answers 429."
              + " Default: ${DEFAULT-VALUE}.")
  int failedAuthLimit;

  @Option(
      names = "--trusted-proxies",
      defaultValue =
          "${env:AIDEPLOY_TRUSTED_PROXIES:-" + Settings.DEFAULT_TRUSTED_PROXIES_TEXT + "}",
      description =
          "Comma-separated CIDRs of the proxies (ingress controllers) whose X-Forwarded-For and"
              + " X-Real-IP headers name the client for rate limiting. Only list addresses that"
              + " nothing but your proxies can connect from. Default: ${DEFAULT-VALUE}.")
  String trustedProxies;

  @Option(
      names = "--exposure",
      defaultValue = "${env:AIDEPLOY_EXPOSURE:-ingress}",
      description =
          "How apps are exposed: ingress (an Ingress each) or gateway-api (an HTTPRoute each, on"
              + " --gateway-parent). Default: ${DEFAULT-VALUE}.")
  String exposure;

  @Option(
      names = "--gateway-parent",
      paramLabel = "<namespace/name[/sectionName]>",
      defaultValue = "${env:AIDEPLOY_GATEWAY_PARENT:-}",
      description =
          "The Gateway (and optionally its listener) every HTTPRoute attaches to. Required with"
              + " --exposure gateway-api.")
  String gatewayParent;

  @Option(
      names = "--gateway-auth",
      defaultValue = "${env:AIDEPLOY_GATEWAY_AUTH:-}",
      description =
          "How the Gateway asks the aideploy gateway, with --exposure gateway-api: traefik,"
              + " envoy-gateway, external-auth or istio. Required with --exposure gateway-api.")
  String gatewayAuth;

  @Option(
      names = "--istio-provider",
      defaultValue =
          "${env:AIDEPLOY_ISTIO_PROVIDER:-" + Exposure.IstioOptions.DEFAULT_PROVIDER + "}",
      description =
          "With --gateway-auth istio: the name of the mesh's envoyExtAuthzHttp extension provider"
              + " (meshConfig.extensionProviders) that calls the aideploy gateway."
              + " Default: ${DEFAULT-VALUE}.")
  String istioProvider;

  /** Checks the flags and turns them into settings; a bad value is a usage error. */
  public Settings toSettings() {
    String domain = baseDomain.trim().toLowerCase();
    if (!DNS_NAME.matcher(domain).matches()) {
      throw usage(
          "--base-domain must be a DNS name such as apps.example.com, not '" + baseDomain + "'");
    }
    URI gateway = httpUrl("--gateway-url", gatewayUrl);
    URI login = loginUrl.isBlank() ? null : httpUrl("--login-url", loginUrl);
    if (gatewayPort < 1 || gatewayPort > 65535 || managementPort < 1 || managementPort > 65535) {
      throw usage("--gateway-port and --management-port must be between 1 and 65535");
    }
    if (grpcPort < 0 || grpcPort > 65535 || (grpcPort != 0 && grpcPort == gatewayPort)) {
      throw usage(
          "--grpc-port must be 0 (off) or a port between 1 and 65535 other than the gateway's");
    }
    String key;
    try {
      key = SessionKeySource.read(sessionKeyFile, environment.apply("AIDEPLOY_SESSION_KEY"));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Duration lifetime = duration("--session-lifetime", sessionLifetime);
    if (authKeepalive < 0 || authKeepalive > Settings.MAX_AUTH_KEEPALIVE) {
      throw usage("--auth-keepalive must be between 0 (off) and " + Settings.MAX_AUTH_KEEPALIVE);
    }
    if (failedAuthLimit < 1) {
      throw usage("--failed-auth-limit must be at least 1");
    }
    List<String> proxies =
        Arrays.stream((trustedProxies == null ? "" : trustedProxies).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    Set<String> namespaces = new LinkedHashSet<>();
    Arrays.stream(watchNamespaces.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(namespaces::add);
    for (String namespace : namespaces) {
      if (!NAMESPACE.matcher(namespace).matches()) {
        throw usage(
            "--watch-namespaces: '"
                + namespace
                + "' is not a namespace name (at most 63 lower-case letters, digits and '-');"
                + " give existing namespaces, comma-separated, e.g. team-a,team-b");
      }
    }
    return Settings.builder()
        .baseDomain(domain)
        .gatewayUrl(gateway)
        .loginUrl(login)
        .ingressClass(ingressClass.trim())
        .tlsSecret(tlsSecret.isBlank() ? null : tlsSecret.trim())
        .watchNamespaces(namespaces)
        .gatewayPort(gatewayPort)
        .managementPort(managementPort)
        .leaderElection(leaderElection)
        .leaderElectionNamespace(
            leaderElectionNamespace.isBlank() ? null : leaderElectionNamespace.trim())
        .sessionKey(key)
        .sessionLifetime(lifetime)
        .failedAuthLimit(failedAuthLimit)
        .trustedProxies(proxies)
        .exposure(exposure(gateway))
        .grpcPort(grpcPort == 0 ? Settings.GRPC_OFF : grpcPort)
        .authKeepalive(authKeepalive)
        .build();
  }

  private Exposure exposure(URI gateway) {
    Exposure.Mode mode = Exposure.Mode.parse(exposure);
    if (mode == null) {
      throw usage("--exposure must be ingress or gateway-api, not '" + exposure + "'");
    }
    if (mode == Exposure.Mode.INGRESS) {
      return Exposure.INGRESS;
    }
    Exposure.ParentGateway parent = Exposure.ParentGateway.parse(gatewayParent);
    if (parent == null) {
      throw usage(
          "--gateway-parent must be namespace/name or namespace/name/sectionName with"
              + " --exposure gateway-api, not '"
              + gatewayParent
              + "'");
    }
    Exposure.AuthImplementation auth = Exposure.AuthImplementation.parse(gatewayAuth);
    if (auth == null) {
      throw usage(
          "--gateway-auth must be traefik, envoy-gateway, external-auth or istio with"
              + " --exposure gateway-api, not '"
              + gatewayAuth
              + "'");
    }
    Exposure.ServiceAddress service = Exposure.ServiceAddress.of(gateway);
    boolean needsService =
        auth == Exposure.AuthImplementation.ENVOY_GATEWAY
            || auth == Exposure.AuthImplementation.EXTERNAL_AUTH;
    if (needsService && service == null) {
      throw usage(
          "--gateway-auth "
              + auth.flag()
              + " names the aideploy gateway by its Service: --gateway-url must be"
              + " http://<service>.<namespace>.svc[.cluster.local]:<port>, not '"
              + gateway
              + "'");
    }
    String provider = istioProvider == null ? "" : istioProvider.trim();
    if (!provider.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?")) {
      throw usage(
          "--istio-provider must name an extension provider of the mesh config, not '"
              + istioProvider
              + "'");
    }
    return Exposure.gatewayApi(parent, auth, service)
        .withIstio(
            new Exposure.IstioOptions(provider, Exposure.IstioOptions.DEFAULT.orphanSweep()));
  }

  private Duration duration(String flag, String value) {
    String text = value == null ? "" : value.trim();
    try {
      Duration parsed =
          text.matches("[0-9]{1,9}")
              ? Duration.ofMinutes(Long.parseLong(text))
              : KubectlDuration.parse(text).orElseGet(() -> Duration.parse(text.toUpperCase()));
      if (!parsed.isNegative() && !parsed.isZero()) {
        return parsed;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw usage(
        flag
            + " must be a positive duration such as 12h, PT12H or 720 (minutes), not '"
            + value
            + "'");
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
