package io.aideploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void helpListsCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: aideploy", "help");
  }

  @Test
  void gatewayHelpListsItsSettings() {
    assertThat(run("gateway", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--session-key-file",
            "AIDEPLOY_SESSION_KEY",
            "--session-lifetime",
            "--failed-auth-limit",
            "--trusted-proxies",
            "--base-domain",
            "--gateway-port")
        .doesNotContainPattern("--session-key[^-]");
  }

  @Test
  void gatewayRefusesBadSettingsAsUsageErrors(@TempDir Path dir) throws IOException {
    Path keyFile = Files.writeString(dir.resolve("key"), "short\n");
    assertThat(run("gateway", "--session-key-file", keyFile.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("at least 32 characters").doesNotContain("short\n");
    assertThat(run("gateway", "--session-lifetime", "forever")).isEqualTo(2);
    assertThat(run("gateway", "--trusted-proxies", "10.0.0.0/99")).isEqualTo(2);
  }

  @Test
  void theSessionKeyIsNeverAFlag() {
    String key = "a-session-key-of-more-than-32-characters";
    assertThat(run("gateway", "--session-key", key)).isEqualTo(2);
    assertThat(err.toString())
        .contains("--session-key is not accepted", "--session-key-file", "AIDEPLOY_SESSION_KEY")
        .doesNotContain(key);
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument at index 0: 'frobnicate'");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing command");
  }

  @Test
  void operatorHelpListsItsSettingsWithDefaultsAndVariables() {
    assertThat(run("operator", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--base-domain",
            "apps.aideploy.localhost",
            "AIDEPLOY_BASE_DOMAIN",
            "--gateway-url",
            "--login-url",
            "--ingress-class",
            "--tls-secret",
            "--watch-namespaces",
            "--management-port",
            "8081",
            "AIDEPLOY_MANAGEMENT_PORT",
            "--[no-]leader-election",
            "--leader-election-namespace")
        .doesNotContain("--gateway-port", "--session-lifetime", "--trusted-proxies");
  }

  @Test
  void aSettingTheCommandDoesNotUseIsRefusedOnItsCommandLine() {
    assertThat(run("operator", "--gateway-port", "9090")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--gateway-port is not used by the operator command; leave it out, or use 'aideploy"
                + " all'");
    assertThat(run("gateway", "--help")).isZero();
    assertThat(out.toString()).doesNotContain("--ingress-class", "--leader-election");
  }

  @Test
  void badSettingsAreUsageErrors() {
    assertThat(run("operator", "--base-domain", "Not A Domain")).isEqualTo(2);
    assertThat(err.toString()).contains("--base-domain must be a DNS name");
  }
}
