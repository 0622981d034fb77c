package io.aideploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
            "--session-key",
            "--session-lifetime",
            "--failed-auth-limit",
            "--trusted-proxies",
            "--base-domain",
            "--gateway-port");
  }

  @Test
  void gatewayRefusesBadSettingsAsUsageErrors() {
    assertThat(run("gateway", "--session-key", "short")).isEqualTo(2);
    assertThat(err.toString()).contains("at least 32 characters").doesNotContain("short\"");
    assertThat(run("gateway", "--session-lifetime", "forever")).isEqualTo(2);
    assertThat(run("gateway", "--trusted-proxies", "10.0.0.0/99")).isEqualTo(2);
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
  void operatorHelpListsEverySettingWithItsDefault() {
    assertThat(run("operator", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--base-domain",
            "apps.aideploy.localhost",
            "--gateway-url",
            "--login-url",
            "--ingress-class",
            "--tls-secret",
            "--watch-namespaces",
            "--gateway-port",
            "8080",
            "--management-port",
            "8081",
            "--[no-]leader-election",
            "--leader-election-namespace");
  }

  @Test
  void badSettingsAreUsageErrors() {
    assertThat(run("operator", "--base-domain", "Not A Domain")).isEqualTo(2);
    assertThat(err.toString()).contains("--base-domain must be a DNS name");
  }
}
