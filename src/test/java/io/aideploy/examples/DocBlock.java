package io.aideploy.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fenced example block of a Markdown page, with the {@code <!-- docs-test: ... -->} marker on the
 * line right before its fence (or null). The marker says what a reader may expect of the block:
 * {@value #RUN} (run top to bottom with the page's other {@value #RUN} blocks by {@code
 * DocsExamplesIT}, each page in a fresh namespace), another name (a group run by the test that
 * names it, such as the README's walk-through), or {@code not run: <reason>}.
 *
 * @param doc the page, relative to the project (what failure messages name)
 * @param line the line of the opening fence, from 1
 * @param language what follows the opening fence ({@code sh}, {@code yaml}, ...), may be empty
 * @param marker what the marker says after {@code docs-test:}, or null without a marker
 * @param text the block's lines, without the fence's own indentation
 */
public record DocBlock(String doc, int line, String language, String marker, String text) {
  static final String RUN = "run";
  static final String NOT_RUN = "not run:";

  /** The groups that tests run: each name is the marker of the blocks one test runs. */
  static final Set<String> GROUPS = Set.of(RUN, "readme", "uninstall-without-operator");

  /** Languages of blocks that are examples to run or apply; others (output, layouts) are not. */
  static final Set<String> EXAMPLE_LANGUAGES = Set.of("sh", "bash", "yaml", "nginx");

  private static final Pattern MARKER = Pattern.compile("<!-- docs-test: (.+?) -->");

  /** Where a reader would see it: {@code docs/cli.md, block at line 57}. */
  String where() {
    return doc + ", block at line " + line;
  }

  boolean isExample() {
    return EXAMPLE_LANGUAGES.contains(language);
  }

  /** README.md and every page of {@code docs/}, in that order. */
  static List<String> pages(Path project) {
    try (Stream<Path> docs = Files.list(project.resolve("docs"))) {
      List<String> pages = new ArrayList<>(List.of("README.md"));
      docs.map(p -> "docs/" + p.getFileName())
          .filter(p -> p.endsWith(".md"))
          .sorted()
          .forEach(pages::add);
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fenced block of {@code doc} (relative to {@code project}), in order. */
  public static List<DocBlock> of(Path project, String doc) {
    try {
      return parse(doc, Files.readString(project.resolve(doc)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blocks of {@code doc} whose marker is exactly {@code marker}. */
  static List<DocBlock> marked(Path project, String doc, String marker) {
    return of(project, doc).stream().filter(b -> marker.equals(b.marker())).toList();
  }

  static List<DocBlock> parse(String doc, String markdown) {
    List<DocBlock> blocks = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i);
      if (!fence.strip().startsWith("```")) {
        continue;
      }
      int indent = fence.indexOf('`');
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        String line = lines.get(j++);
        text.append(withoutIndent(line, indent)).append('\n');
      }
      if (j == lines.size()) {
        throw new IllegalStateException(doc + ": the block at line " + (i + 1) + " is not closed");
      }
      Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1).strip()) : null;
      blocks.add(
          new DocBlock(
              doc,
              i + 1,
              fence.strip().substring(3).strip(),
              marker != null && marker.matches() ? marker.group(1).strip() : null,
              text.toString()));
      i = j;
    }
    return blocks;
  }

  /** {@code line} without up to {@code indent} leading spaces (a block inside a list item). */
  private static String withoutIndent(String line, int indent) {
    int n = 0;
    while (n < indent && n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return line.substring(n);
  }
}
