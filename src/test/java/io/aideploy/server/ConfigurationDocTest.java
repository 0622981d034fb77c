package io.aideploy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md against the commands: every setting in its table and no other, each with
 * the variable the doc's rule names, and the "does not use" table matching what each command's
 * --help leaves out.
 */
class ConfigurationDocTest {
  private static final Pattern FLAG_ROW = Pattern.compile("^\\| `(--[a-z\\[\\]-]+)` \\|");
  private static final Pattern UNUSED_ROW =
      Pattern.compile("^\\| `(operator|gateway)` \\| (.*) \\|$");

  private final List<String> doc;

  ConfigurationDocTest() throws IOException {
    Path project = Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath();
    doc = Files.readAllLines(project.resolve("docs/configuration.md"));
  }

  @Test
  void everySettingIsDocumentedAndNothingElse() {
    Set<String> documented = new TreeSet<>();
    for (String line : doc) {
      Matcher row = FLAG_ROW.matcher(line);
      if (row.find()) {
        documented.add(row.group(1).replace("[no-]", ""));
      }
    }
    assertThat(documented).isEqualTo(settings("all"));
  }

  @Test
  void eachSettingsVariableIsTheDocumentedTwin() {
    for (OptionSpec option : options("all")) {
      assertThat(ServerSettings.environmentVariable(option))
          .as(option.longestName())
          .contains(
              "AIDEPLOY_" + option.longestName().substring(2).toUpperCase().replace('-', '_'));
      assertThat(String.join(" ", option.description()))
          .contains("Environment: " + ServerSettings.environmentVariable(option).orElseThrow());
    }
  }

  @Test
  void theUnusedTableIsWhatEachCommandsHelpLeavesOut() {
    int rows = 0;
    for (String line : doc) {
      Matcher row = UNUSED_ROW.matcher(line);
      if (row.find()) {
        rows++;
        Set<String> documented =
            Arrays.stream(row.group(2).split(","))
                .map(s -> s.strip().replace("`", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> leftOut = new TreeSet<>(settings("all"));
        leftOut.removeAll(settings(row.group(1)));
        assertThat(documented).as(row.group(1)).isEqualTo(leftOut);
      }
    }
    assertThat(rows).isEqualTo(2);
  }

  /** The settings {@code command}'s --help shows (no help, version or hidden options). */
  private static Set<String> settings(String command) {
    return options(command).stream()
        .map(OptionSpec::longestName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<OptionSpec> options(String command) {
    CommandLine cli = Main.commandLine().getSubcommands().get(command);
    return cli.getCommandSpec().options().stream()
        .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
        .toList();
  }
}
