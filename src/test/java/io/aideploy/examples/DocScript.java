package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Doc blocks run as a reader runs them: in order, in one bash with {@code set -euo pipefail}, so
 * that a variable set by one block is there for the next. A {@code yaml} block is applied with
 * {@code kubectl apply -f -}. The first command that fails stops the script and names the page, the
 * block and itself in a line starting with {@value #FAILED}, which the assertion puts first.
 */
final class DocScript {
  static final String FAILED = "docs-test: FAILED: ";

  private DocScript() {}

  /** The bash text of {@code blocks}, after {@code prologue} (which may set traps of its own). */
  static String of(String prologue, List<DocBlock> blocks) {
    StringBuilder script =
        new StringBuilder(
            """
            set -euo pipefail -x
            docs_block='before the first block'
            trap 'echo "%s$docs_block: command \\`$BASH_COMMAND\\` exited $?" >&2' ERR
            """
                .formatted(FAILED));
    script.append(prologue).append('\n');
    for (DocBlock block : blocks) {
      // Traced by set -x too, so the output shows where each block begins.
      script.append("docs_block='").append(block.where()).append("'\n");
      if (block.language().equals("yaml")) {
        script.append("kubectl apply -f - <<'DOCS_TEST_YAML'\n");
        script.append(block.text()).append("DOCS_TEST_YAML\n");
      } else {
        script.append(block.text());
      }
    }
    return script.toString();
  }

  /** Runs {@code script} with bash in {@code project}, with {@code env} added. */
  static CommandResult run(Path project, String script, Map<String, String> env) {
    try {
      Path file = Files.createTempFile("docs-test", ".sh");
      try {
        Files.writeString(file, script);
        return CommandResult.run(project, List.of("bash", file.toString()), env);
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails, naming the page, block and command that failed, unless {@code run} exited 0. */
  static void assertSucceeded(CommandResult run) {
    // In the test report either way: what ran, for whoever reads a green run too.
    System.out.println(run.output());
    String failed =
        run.output()
            .lines()
            .filter(line -> line.startsWith(FAILED))
            .reduce((first, last) -> last)
            .orElse("the script exited " + run.exitCode());
    assertThat(run.exitCode()).as("%s%n%nThe whole run:%n%s", failed, run.output()).isZero();
  }
}
