package io.aideploy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code java -jar target/aideploy.jar ARGS} as a process of its own, which tests can
 * stop, kill -9 and start again with the same arguments, as Kubernetes restarts a container.
 */
public final class AideployProcess implements AutoCloseable {
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private Process process;

  private AideployProcess(List<String> command, Map<String, String> env, Path log) {
    this.command = command;
    this.env = env;
    this.log = log;
  }

  /**
   * Starts the jar of {@code projectDir} with {@code args}, the API server of {@code kubeconfig},
   * {@code env} added, and its output appended to {@code log}.
   */
  public static AideployProcess start(
      Path projectDir, Path kubeconfig, Map<String, String> env, Path log, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(projectDir.resolve("target/aideploy.jar").toString());
    command.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("KUBECONFIG", kubeconfig.toString());
    AideployProcess started = new AideployProcess(List.copyOf(command), Map.copyOf(all), log);
    started.start();
    return started;
  }

  /** Starts the process again with the same arguments (after {@link #kill} or {@link #stop}). */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** SIGKILL, as a crash or an OOM kill: no shutdown hook runs, no lease is released. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(10);
  }

  /** SIGTERM, then SIGKILL after 30 s; a process that does not stop in time fails the test. */
  public void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(30)) {
      process.destroyForcibly();
      awaitExit(10);
      throw new AssertionError("process did not stop within 30 s of SIGTERM: " + command);
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Process process() {
    return process;
  }

  /** Everything the process wrote so far. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitExit(int seconds) {
    if (!waitFor(seconds)) {
      throw new IllegalStateException("process still alive " + seconds + " s after SIGKILL");
    }
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the process if it still runs. */
  @Override
  public void close() {
    stop();
  }
}
