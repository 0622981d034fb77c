package io.aideploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -o table|wide|json|yaml}: tables for people, JSON and YAML for scripts. */
public class OutputOptions {
  /** The output formats. */
  public enum Format {
    table,
    wide,
    json,
    yaml
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<format>",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  Format format = Format.table;

  /** A table, narrow or wide. */
  boolean isTable() {
    return format == Format.table || format == Format.wide;
  }

  /** {@code -o wide}: the table with every column, as kubectl's. */
  boolean isWide() {
    return format == Format.wide;
  }

  /** Prints {@code data} as JSON or YAML. */
  void print(PrintWriter out, Object data) {
    try {
      String text =
          format == Format.yaml ? YAML.writeValueAsString(data) : JSON.writeValueAsString(data);
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the output", e);
    }
  }

  /** Prints an aligned table, as kubectl does: upper-case headers, two spaces between columns. */
  static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    table(out, headers, rows, -1, null);
  }

  /**
   * As {@link #table(PrintWriter, List, List)}, with the cells of column {@code phaseColumn} (not
   * its header) in the phase's colour: aligned on their visible width.
   */
  static void table(
      PrintWriter out,
      List<String> headers,
      List<List<String>> rows,
      int phaseColumn,
      Colour colour) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = cell(row, i);
        line.append(i == phaseColumn && row != headers ? colour.phase(cell) : cell);
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  private static String cell(List<String> row, int i) {
    String value = i < row.size() ? row.get(i) : null;
    return value == null || value.isEmpty() ? "<none>" : value;
  }
}
