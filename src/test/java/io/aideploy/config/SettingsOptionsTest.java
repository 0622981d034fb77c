package io.aideploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

class SettingsOptionsTest {
  private static final String KEY = "k".repeat(40);

  @TempDir Path dir;

  @Command(name = "test")
  static class TestCommand {
    @Mixin SettingsOptions options;
  }

  /** Parses {@code args} with {@code env} as the environment and returns the settings. */
  private static Settings settings(Map<String, String> env, String... args) {
    TestCommand command = new TestCommand();
    CommandLine cli = new CommandLine(command);
    cli.parseArgs(args);
    command.options.environment = env::get;
    return command.options.toSettings();
  }

  private Path file(String content) throws IOException {
    return Files.writeString(dir.resolve("key"), content);
  }

  @Test
  void theFlagsDefaultToTheBuildersDefaults() {
    // Fails when a default changes in the flags or in Settings only (run without AIDEPLOY_*).
    assertThat(settings(Map.of())).isEqualTo(Settings.builder().build());
  }

  @Test
  void theGrpcPortIsOffUnlessGivenAndNeverTheGatewaysPort() {
    assertThat(settings(Map.of()).grpcPort()).isEqualTo(Settings.GRPC_OFF);
    assertThat(settings(Map.of(), "--grpc-port", "0").grpcPort()).isEqualTo(Settings.GRPC_OFF);
    assertThat(settings(Map.of(), "--grpc-port", "9090").grpcPort()).isEqualTo(9090);
    for (String port : new String[] {"-1", "65536", "8080"}) {
      assertThatThrownBy(() -> settings(Map.of(), "--gateway-port", "8080", "--grpc-port", port))
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("--grpc-port");
    }
  }

  @Test
  void authKeepaliveIsOffUnlessGivenAndBounded() {
    assertThat(settings(Map.of()).authKeepalive()).isZero();
    assertThat(settings(Map.of(), "--auth-keepalive", "32").authKeepalive()).isEqualTo(32);
    for (String value : new String[] {"-1", "1025"}) {
      assertThatThrownBy(() -> settings(Map.of(), "--auth-keepalive", value))
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("--auth-keepalive");
    }
  }

  @Test
  void noKeyMeansARandomOne() {
    assertThat(settings(Map.of()).sessionKey()).isNull();
  }

  @Test
  void theKeyComesFromTheEnvironment() {
    assertThat(settings(Map.of("AIDEPLOY_SESSION_KEY", KEY)).sessionKey()).isEqualTo(KEY);
  }

  @Test
  void theKeyComesFromAFileWithoutItsTrailingNewline() throws IOException {
    assertThat(settings(Map.of(), "--session-key-file", file(KEY + "\n").toString()).sessionKey())
        .isEqualTo(KEY);
    assertThat(settings(Map.of(), "--session-key-file=" + file(KEY + "\r\n")).sessionKey())
        .isEqualTo(KEY);
    assertThat(settings(Map.of(), "--session-key-file", file(KEY).toString()).sessionKey())
        .isEqualTo(KEY);
  }

  @Test
  void theKeyIsNeverAFlag() {
    for (String[] args :
        new String[][] {{"--session-key", KEY}, {"--session-key=" + KEY}, {"--session-key"}}) {
      assertThatThrownBy(() -> settings(Map.of(), args))
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("--session-key-file")
          .hasMessageContaining("AIDEPLOY_SESSION_KEY")
          .hasMessageNotContaining(KEY);
    }
  }

  @Test
  void shortKeysAreRefusedWithoutShowingThem() throws IOException {
    String shortKey = "tooShortKey";
    assertThatThrownBy(() -> settings(Map.of("AIDEPLOY_SESSION_KEY", shortKey)))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining(shortKey);
    Path path = file(shortKey + "\n");
    assertThatThrownBy(() -> settings(Map.of(), "--session-key-file", path.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining(shortKey);
  }

  @Test
  void emptyFilesAndBothSourcesAreRefused() throws IOException {
    Path empty = file("\n");
    assertThatThrownBy(() -> settings(Map.of(), "--session-key-file", empty.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("is empty");
    Path key = file(KEY);
    assertThatThrownBy(
            () ->
                settings(Map.of("AIDEPLOY_SESSION_KEY", KEY), "--session-key-file", key.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("not both")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void unreadableFilesAreClearErrors() throws IOException {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> settings(Map.of(), "--session-key-file", missing.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--session-key-file " + missing + " does not exist");
    assertThatThrownBy(() -> settings(Map.of(), "--session-key-file", dir.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("cannot read --session-key-file " + dir);
    Path locked = file(KEY);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(locked)) { // root reads anything; the check is meaningful for others
      assertThatThrownBy(() -> settings(Map.of(), "--session-key-file", locked.toString()))
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("is not readable")
          .hasMessageNotContaining(KEY);
    }
  }

  @Test
  void trustedProxiesDefaultToLoopbackOnly() {
    assertThat(settings(Map.of()).trustedProxies()).isEqualTo(Settings.DEFAULT_TRUSTED_PROXIES);
  }

  @Test
  void watchNamespacesMustBeNamespaceNames() {
    assertThat(settings(Map.of(), "--watch-namespaces", "team-a, team-b").watchNamespaces())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThatThrownBy(() -> settings(Map.of(), "--watch-namespaces", "team-a,Bad_NS"))
        .isInstanceOf(ParameterException.class)
        .hasMessage(
            "--watch-namespaces: 'Bad_NS' is not a namespace name (at most 63 lower-case letters,"
                + " digits and '-'); give existing namespaces, comma-separated, e.g."
                + " team-a,team-b");
  }

  @Test
  void theSessionLifetimeTakesKubectlDurationsToo() {
    assertThat(settings(Map.of(), "--session-lifetime", "12h").sessionLifetime())
        .isEqualTo(java.time.Duration.ofHours(12));
    assertThat(settings(Map.of(), "--session-lifetime", "90").sessionLifetime())
        .isEqualTo(java.time.Duration.ofMinutes(90));
    assertThat(settings(Map.of(), "--session-lifetime", "PT1H30M").sessionLifetime())
        .isEqualTo(java.time.Duration.ofMinutes(90));
    assertThatThrownBy(() -> settings(Map.of(), "--session-lifetime", "forever"))
        .hasMessageContaining("such as 12h, PT12H or 720 (minutes)");
  }

  @Test
  void appsGetIngressesUnlessToldOtherwise() {
    assertThat(settings(Map.of()).exposure()).isEqualTo(Exposure.INGRESS);
  }

  @Test
  void gatewayApiExposureTakesTheParentAndTheAuth() {
    Exposure fromFlags =
        settings(
                Map.of(),
                "--exposure",
                "gateway-api",
                "--gateway-parent",
                "edge/public/https",
                "--gateway-auth",
                "envoy-gateway",
                "--gateway-url",
                "http://aideploy-gateway.aideploy.svc.cluster.local:8080")
            .exposure();
    assertThat(fromFlags.mode()).isEqualTo(Exposure.Mode.GATEWAY_API);
    assertThat(fromFlags.parent()).isEqualTo(new Exposure.ParentGateway("edge", "public", "https"));
    assertThat(fromFlags.auth()).isEqualTo(Exposure.AuthImplementation.ENVOY_GATEWAY);
    assertThat(fromFlags.gatewayService())
        .isEqualTo(new Exposure.ServiceAddress("aideploy", "aideploy-gateway", 8080));

    Exposure withEquals =
        settings(
                Map.of(),
                "--exposure=gateway-api",
                "--gateway-parent=edge/public",
                "--gateway-auth=traefik",
                "--gateway-url=http://10.0.0.1:8080")
            .exposure();
    assertThat(withEquals.parent()).isEqualTo(new Exposure.ParentGateway("edge", "public", null));
    assertThat(withEquals.auth()).isEqualTo(Exposure.AuthImplementation.TRAEFIK);
    assertThat(withEquals.gatewayService()).isNull();
  }

  @Test
  void istioNamesTheMeshsExtensionProvider() {
    String[] istio = {
      "--exposure", "gateway-api", "--gateway-parent", "edge/public", "--gateway-auth", "istio"
    };
    Exposure byDefault = settings(Map.of(), istio).exposure();
    assertThat(byDefault.auth()).isEqualTo(Exposure.AuthImplementation.ISTIO);
    assertThat(byDefault.istio().provider()).isEqualTo("aideploy");
    String[] named = java.util.Arrays.copyOf(istio, istio.length + 1);
    named[istio.length] = "--istio-provider=mesh-authz";
    assertThat(settings(Map.of(), named).exposure().istio().provider()).isEqualTo("mesh-authz");
    String[] bad = java.util.Arrays.copyOf(istio, istio.length + 1);
    bad[istio.length] = "--istio-provider=not a name";
    assertThatThrownBy(() -> settings(Map.of(), bad))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--istio-provider");
  }

  @Test
  void gatewayApiExposureRefusesWhatItCannotUse() {
    String[][] bad = {
      {"--exposure", "gateway"},
      {"--exposure", "gateway-api", "--gateway-auth", "traefik"},
      {"--exposure", "gateway-api", "--gateway-parent", "public", "--gateway-auth", "traefik"},
      {"--exposure", "gateway-api", "--gateway-parent", "a/b/c/d", "--gateway-auth", "traefik"},
      {"--exposure", "gateway-api", "--gateway-parent", "Edge/public", "--gateway-auth", "traefik"},
      {"--exposure", "gateway-api", "--gateway-parent", "edge/public"},
      {"--exposure", "gateway-api", "--gateway-parent", "edge/public", "--gateway-auth", "nginx"},
      // Envoy Gateway and the ExternalAuth filter name the gateway by its Service.
      {
        "--exposure", "gateway-api", "--gateway-parent", "edge/public",
        "--gateway-auth", "external-auth", "--gateway-url", "http://10.0.0.1:8080"
      },
    };
    for (String[] args : bad) {
      assertThatThrownBy(() -> settings(Map.of(), args))
          .as(String.join(" ", args))
          .isInstanceOf(ParameterException.class);
    }
  }
}
