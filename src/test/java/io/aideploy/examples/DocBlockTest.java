package io.aideploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.testing.LocalControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every example block of the README and of {@code docs/} says whether a test runs it: a block added
 * without a marker fails here, so that no example is left out of {@code DocsExamplesIT} silently,
 * and the inventory in {@code docs/testing.md} names every page that has examples.
 */
class DocBlockTest {
  private final Path project = LocalControlPlane.projectDir();

  @Test
  void everyExampleBlockIsRunOrSaysWhyNot() {
    List<String> unmarked = new ArrayList<>();
    for (String page : DocBlock.pages(project)) {
      for (DocBlock block : DocBlock.of(project, page)) {
        if (!block.isExample()) {
          continue;
        }
        String marker = block.marker();
        boolean known =
            marker != null
                && (DocBlock.GROUPS.contains(marker)
                    || marker.startsWith(DocBlock.NOT_RUN)
                        && marker.length() > DocBlock.NOT_RUN.length() + 10);
        if (!known) {
          unmarked.add(block.where() + " (" + block.language() + "): " + marker);
        }
      }
    }
    assertThat(unmarked)
        .as(
            "example blocks without <!-- docs-test: run --> or <!-- docs-test: not run: <reason>"
                + " --> on the line before the fence (see docs/testing.md)")
        .isEmpty();
  }

  @Test
  void theInventoryNamesEveryPageWithExamples() throws IOException {
    String inventory = Files.readString(project.resolve("docs/testing.md"));
    for (String page : DocBlock.pages(project)) {
      boolean hasExamples = DocBlock.of(project, page).stream().anyMatch(DocBlock::isExample);
      String link = page.equals("README.md") ? "../README.md" : page.substring("docs/".length());
      if (hasExamples) {
        assertThat(inventory).as("docs/testing.md names " + page).contains("](" + link + ")");
      }
    }
  }

  @Test
  void aMarkerBelongsToTheFenceRightAfterIt() {
    String markdown =
        """
        text
        <!-- docs-test: run -->
        ```sh
        echo one
        ```

        - in a list:
          <!-- docs-test: not run: needs a real cluster -->
          ```yaml
          a: b
            c: d
          ```
        ```
        output
        ```
        """;
    List<DocBlock> blocks = DocBlock.parse("docs/x.md", markdown);
    assertThat(blocks)
        .containsExactly(
            new DocBlock("docs/x.md", 3, "sh", "run", "echo one\n"),
            new DocBlock("docs/x.md", 9, "yaml", "not run: needs a real cluster", "a: b\n  c: d\n"),
            new DocBlock("docs/x.md", 13, "", null, "output\n"));
    assertThat(blocks.get(0).where()).isEqualTo("docs/x.md, block at line 3");
  }

  @Test
  void anUnclosedBlockIsAnError() {
    assertThatThrownBy(() -> DocBlock.parse("docs/x.md", "```sh\necho\n"))
        .hasMessageContaining("docs/x.md: the block at line 1 is not closed");
  }
}
