package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Help and usage errors of the CLI: none of these need a cluster or a gateway. */
class CliUsageTest {

  static Stream<String> everyCommand() {
    List<String> paths = new ArrayList<>();
    collect(Main.commandLine(), "", paths, new HashSet<>());
    return paths.stream();
  }

  private static void collect(
      CommandLine command, String path, List<String> paths, Set<CommandLine> seen) {
    for (var entry : command.getSubcommands().entrySet()) {
      // Aliases (ls/list, delete/rm) map to the same command: check each command once.
      if (!seen.add(entry.getValue())) {
        continue;
      }
      String sub = (path + " " + entry.getKey()).strip();
      paths.add(sub);
      collect(entry.getValue(), sub, paths, seen);
    }
  }

  @Test
  void theTreeHasTheCliCommands() {
    assertThat(everyCommand())
        .contains(
            "app ls",
            "app get",
            "app set-label",
            "app url",
            "app start",
            "app stop",
            "app delete",
            "token create",
            "token ls",
            "token regenerate",
            "token delete",
            "generate-completion");
  }

  @ParameterizedTest
  @MethodSource("everyCommand")
  void everyCommandHasHelp(String path) {
    List<String> args = new ArrayList<>(List.of(path.split(" ")));
    args.add("--help");
    CliRun run = CliRun.of(args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Usage: aideploy " + path + " ");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void helpShowsTheOptionsPeopleNeed() {
    assertThat(CliRun.of("token", "create", "--help").out())
        .contains(
            "--role",
            "--label-selector",
            "--expires-at",
            "--description",
            "-n, --namespace",
            "-o, --output");
    assertThat(CliRun.of("app", "ls", "--help").out())
        .contains(
            "--url",
            "--token-file",
            "AIDEPLOY_TOKEN",
            "--insecure",
            "-n, --namespace",
            "--kubeconfig")
        .doesNotContainPattern("--token[^-]");
    assertThat(CliRun.of("app", "delete", "--help").out()).contains("-y, --yes");
  }

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of(List.of("app"), "Missing command"),
        Arguments.of(List.of("token"), "Missing command"),
        Arguments.of(List.of("app", "lss"), "did you mean ls?"),
        Arguments.of(List.of("app", "get"), "Missing required parameter: '<app>'"),
        Arguments.of(List.of("app", "set-label", "hello", "group"), "Missing required parameter"),
        Arguments.of(List.of("app", "ls", "-o", "xml"), "Invalid value for option '--output'"),
        Arguments.of(List.of("token", "create", "t"), "Missing required option: '--role=<role>'"),
        Arguments.of(List.of("token", "create", "t", "--role", "admin"), "use read or operator"),
        Arguments.of(
            List.of("token", "create", "t", "--role", "read", "--expires-at", "tomorrow"),
            "must be an RFC 3339 time"),
        Arguments.of(
            List.of(
                "token", "create", "t", "--role", "read", "--expires-at", "2001-01-01T00:00:00Z"),
            "is in the past"),
        Arguments.of(
            List.of("token", "regenerate", "t", "--grace", "ten minutes"),
            "--grace must be a duration such as 10m"),
        Arguments.of(List.of("token", "regenerate", "t", "--grace", "169h"), "at most 168h"),
        Arguments.of(
            List.of("token", "create", "t", "--role", "read", "-l", "group in (a"),
            "--label-selector"),
        Arguments.of(
            List.of("token", "create", "Reader_Token", "--role", "read"), "not a valid token name"),
        Arguments.of(
            List.of("app", "set-label", "hello", "ovh/id", "x"),
            "label keys under ovh/ are reserved"),
        Arguments.of(
            List.of("app", "set-label", "hello", "ovh/team", "x"),
            "label keys under ovh/ are reserved"),
        Arguments.of(
            List.of("app", "delete", "hello"),
            "refusing to delete app hello without confirmation: pass --yes"),
        Arguments.of(List.of("app", "ls", "--token-file", "-"), "pass --url or set AIDEPLOY_URL"),
        Arguments.of(List.of("app", "ls", "--url", "https://g"), "the gateway needs a token"),
        Arguments.of(
            List.of("app", "ls", "--url", "ftp://gateway", "--token-file", "/nonexistent/token"),
            "--url must be an http(s) URL"),
        Arguments.of(
            // A file that is not there: if the check let the URL through, reading it fails at once.
            List.of("app", "ls", "--url", "http://gateway", "--token-file", "/nonexistent/token"),
            "plain http: the token would cross the network in clear text"),
        Arguments.of(
            List.of("app", "ls", "--url", "https://g", "--token-file", "/nonexistent/token"),
            "--token-file /nonexistent/token does not exist"),
        Arguments.of(
            List.of(
                "app", "set-label", "hello", "k", "v", "--url", "https://g", "--token-file", "-"),
            "needs cluster access"),
        Arguments.of(
            List.of("app", "ls", "--kubeconfig", "/nonexistent/kubeconfig"),
            "--kubeconfig names /nonexistent/kubeconfig, which does not exist; pass --kubeconfig"),
        Arguments.of(
            List.of("token", "create", "t", "--role", "read", "--timeout", "soon"),
            "'soon' is not a duration; write it as kubectl does: 90s, 2m, 1m30s"),
        Arguments.of(
            List.of("token", "create", "t", "--role", "read", "--all-apps", "-l", "a=b"),
            "--all-apps and --label-selector exclude each other"));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void usageErrorsAreOneLineAndExitTwo(List<String> args, String message) {
    CliRun run = CliRun.of(args);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.USAGE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("error: ").contains(message).doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theTokenIsNeverAFlag() {
    String token = "aid_secretvalue0123456789";
    for (List<String> args :
        List.of(
            List.of("app", "ls", "--url", "https://g", "--token", token),
            List.of("app", "get", "hello", "--token=" + token),
            List.of("app", "ls", "--token"))) {
      CliRun run = CliRun.of(args);
      assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.USAGE);
      assertThat(run.errLines()).hasSize(1);
      assertThat(run.err())
          .contains("--token is not accepted", "AIDEPLOY_TOKEN", "--token-file")
          .doesNotContain(token);
    }
  }

  @Test
  void anEmptyTokenFileIsAUsageError(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("token"), "\n");
    CliRun run = CliRun.of("app", "ls", "--url", "https://g", "--token-file", empty.toString());
    assertThat(run.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(run.err()).contains("--token-file " + empty + " is empty");
  }

  @Test
  void completionScriptComesFromPicocli() {
    CliRun run = CliRun.of("generate-completion");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("aideploy Bash Completion", "set-label", "regenerate");
  }

  @Test
  void timeoutsAreWrittenAsKubectlTakesThem() {
    WaitOptions.TimeoutConverter converter = new WaitOptions.TimeoutConverter();
    assertThat(converter.convert("1s")).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(converter.convert("1m30s")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(converter.convert("2m")).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(converter.convert("45")).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(CliRun.of("token", "create", "--help").out()).contains("--timeout=<duration>");
  }
}
