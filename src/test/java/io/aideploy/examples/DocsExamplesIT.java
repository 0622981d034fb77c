package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's local walk-through runs top to bottom as written: every fenced block marked {@value
 * #MARK} goes, in order, into one bash with {@code set -euo pipefail}, which starts its own fresh
 * control plane with {@code scripts/local-cluster up} (as a newcomer would), runs aideploy, the
 * kubectl and CLI commands, and stops it all. Only the gateway and management ports are changed, to
 * free ones, so that the test does not depend on 8080 being free on this machine.
 */
class DocsExamplesIT {
  static final String MARK = "<!-- docs-test: readme -->";

  @Test
  void theReadmeWalkThroughRunsTopToBottom() throws IOException {
    Path project =
        Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath().normalize();
    List<String> blocks = markedBlocks(Files.readString(project.resolve("README.md")), MARK);
    assertThat(blocks).as("marked blocks in README.md").hasSizeGreaterThanOrEqualTo(3);

    int gatewayPort = freePort();
    int managementPort = freePort();
    String examples =
        String.join("\n", blocks)
            .replace("127.0.0.1:8080", "127.0.0.1:" + gatewayPort)
            .replace("18081", Integer.toString(managementPort));
    Path clusterDir = Files.createTempDirectory("docs-examples-cluster");
    Path script = Files.createTempFile("docs-examples", ".sh");
    try {
      // Whatever fails, nothing the blocks started outlives the test.
      Files.writeString(
          script,
          "set -euo pipefail -x\n"
              + "trap 'kill $(jobs -p) 2>/dev/null || true; scripts/local-cluster down || true'"
              + " EXIT\n"
              + examples);
      CommandResult run =
          CommandResult.run(
              project,
              List.of("bash", script.toString()),
              Map.of(
                  "AIDEPLOY_CLUSTER_DIR", clusterDir.toString(),
                  "AIDEPLOY_GATEWAY_PORT", Integer.toString(gatewayPort),
                  "KUBECONFIG", "/nonexistent/set-by-the-readme"));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output())
          .as(run.output())
          .contains("HTTP/1.1 200")
          // set -x traced the last command of the last block: nothing was cut short.
          .contains("+ kill %1")
          .contains("aitoken.aideploy.io/reader-token condition met");
    } finally {
      Files.deleteIfExists(script);
      try (var files = Files.walk(clusterDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  /** The contents of the ```sh blocks that directly follow a {@code mark} line. */
  static List<String> markedBlocks(String markdown, String mark) {
    List<String> blocks = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).strip().equals(mark) && lines.get(i + 1).strip().equals("```sh")) {
        StringBuilder block = new StringBuilder();
        int j = i + 2;
        while (!lines.get(j).strip().equals("```")) {
          block.append(lines.get(j++)).append('\n');
        }
        blocks.add(block.toString());
      }
    }
    return blocks;
  }
}
