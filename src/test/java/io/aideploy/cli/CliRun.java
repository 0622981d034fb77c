package io.aideploy.cli;

import io.aideploy.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One in-process run of the CLI, as {@code java -jar aideploy.jar ARGS} would do it. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun of(List<String> args) {
    return of(args.toArray(String[]::new));
  }

  /** Lines of stderr, for the one-line error contract. */
  List<String> errLines() {
    return err.lines().toList();
  }
}
