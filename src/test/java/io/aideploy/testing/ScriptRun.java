package io.aideploy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A project script run as a user runs it, for the tests that check one end to end: its output
 * (stdout and stderr) goes to a file, and it is stopped if it outlives its time limit.
 */
public record ScriptRun(boolean finished, int exitValue, String output) {

  public static ScriptRun run(ProcessBuilder script, Path output, Duration limit)
      throws IOException, InterruptedException {
    Process process = script.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
    }
    return new ScriptRun(
        finished,
        finished ? process.exitValue() : -1,
        Files.readString(output, StandardCharsets.UTF_8));
  }

  /** Command lines of the running processes that mention {@code text}: what a script left. */
  public static List<String> processesMentioning(String text) {
    return ProcessHandle.allProcesses()
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains(text))
        .toList();
  }
}
