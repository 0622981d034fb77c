package io.aideploy.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults on the processes of the local control plane that {@code scripts/local-cluster up} started:
 * kill -9 and restart kube-apiserver or etcd, pause (SIGSTOP) and resume kube-apiserver.
 *
 * <p>A process is restarted with exactly the command line it was running with (read from {@code
 * /proc/PID/cmdline} before it is killed), its output appended to the same log, and its new pid
 * written to the same pid file, so that {@code scripts/local-cluster down} stops it as before. The
 * control plane may be shared by every test class of the run: each fault returns only once the API
 * server answers {@code /readyz} again and every process of the control plane is alive, and {@link
 * #close} resumes a paused API server whatever happened.
 */
public final class ControlPlaneFaults implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final List<String> PROCESSES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager");

  private final LocalControlPlane.Cluster cluster;
  private final Path dir;
  private final Map<String, List<String>> commandLines = new ConcurrentHashMap<>();
  private volatile boolean paused;

  public ControlPlaneFaults(LocalControlPlane.Cluster cluster) {
    this.cluster = cluster;
    this.dir = cluster.kubeconfig().getParent();
  }

  /** kill -9 kube-apiserver, wait {@code down}, start it again and wait until it is ready. */
  public void killAndRestartApiServer(Duration down) {
    crashAndRestart("kube-apiserver", down);
  }

  /** kill -9 etcd, wait {@code down}, start it again and wait until the API server is ready. */
  public void killAndRestartEtcd(Duration down) {
    crashAndRestart("etcd", down);
  }

  /** SIGSTOP kube-apiserver: its connections stay open and nothing comes out of them. */
  public void pauseApiServer() {
    signal("STOP", pid("kube-apiserver"));
    paused = true;
  }

  /** SIGCONT kube-apiserver and wait until it is ready. */
  public void resumeApiServer() {
    signal("CONT", pid("kube-apiserver"));
    paused = false;
    awaitHealthy();
  }

  /** Waits until the API server answers /readyz and every control-plane process is alive. */
  public void awaitHealthy() {
    await()
        .atMost(READY)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              // kube-controller-manager may exit when the API server stays away; bring it back.
              if (!alive("kube-controller-manager")
                  && commandLines.containsKey("kube-controller-manager")) {
                restart("kube-controller-manager");
              }
              return cluster.kubectl("get", "--raw=/readyz", "--request-timeout=2s").exitCode()
                  == 0;
            });
    for (String name : PROCESSES) {
      if (Files.exists(pidFile(name)) && !alive(name)) {
        throw new IllegalStateException(name + " is not running after the fault");
      }
    }
  }

  private void crashAndRestart(String name, Duration down) {
    long pid = pid(name);
    rememberCommandLines();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).isEmpty());
    sleep(down);
    restart(name);
    awaitHealthy();
  }

  /** The command lines of the running processes, for restarting any of them later. */
  private void rememberCommandLines() {
    for (String name : PROCESSES) {
      if (Files.exists(pidFile(name)) && alive(name)) {
        commandLines.put(name, commandLine(pid(name)));
      }
    }
  }

  private void restart(String name) {
    List<String> command = commandLines.get(name);
    if (command == null) {
      throw new IllegalStateException("no known command line for " + name);
    }
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
              .start();
      Files.writeString(pidFile(name), process.pid() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart " + name, e);
    }
  }

  private static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean alive(String name) {
    return ProcessHandle.of(pid(name)).map(ProcessHandle::isAlive).orElse(false);
  }

  private long pid(String name) {
    try {
      return Long.parseLong(Files.readString(pidFile(name)).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("no pid file for " + name + " in " + dir, e);
    }
  }

  private Path pidFile(String name) {
    return dir.resolve(name + ".pid");
  }

  private void signal(String signal, long pid) {
    var result =
        // bash's builtin kill: no procps needed.
        LocalControlPlane.CommandResult.run(
            dir, List.of("bash", "-c", "kill -" + signal + " " + pid));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + ": " + result.output());
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Leaves the control plane running: a paused API server is resumed. */
  @Override
  public void close() {
    if (paused) {
      resumeApiServer();
    }
  }
}
