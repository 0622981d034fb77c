package io.aideploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An image's unpacked root file system, in which its entrypoint runs the way the chart runs it,
 * without a container engine: as the image's numeric user, in the image's working directory and
 * environment, on a read-only root with a fresh {@code /tmp} (the chart's {@code
 * readOnlyRootFilesystem} and its {@code tmp} emptyDir), with its own PID namespace and {@code
 * /proc}. The network is the host's, so the process reaches the local control plane on loopback and
 * the test reaches its ports there.
 *
 * <p>Needs root (mount namespaces, chroot, setuid), as {@code .ci/run} has.
 */
final class ImageRoot {
  /** Mounts in a private mount namespace, gone with its last process; then the entrypoint. */
  private static final String RUN_IN_ROOT =
      """
      set -e
      root=$1 uid=$2 gid=$3 workdir=$4; shift 4
      mount --bind "$root" "$root"
      mount -o remount,bind,ro "$root"
      mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"
      exec unshare --root="$root" --wd="$workdir" --setgid="$gid" --setuid="$uid" \\
        --mount-proc=/proc -- "$@"
      """;

  private final OciArchive image;
  private final Path root;
  private final int uid;
  private final int gid;

  private ImageRoot(OciArchive image, Path root) {
    this.image = image;
    this.root = root;
    String[] user = image.user().split(":");
    if (user.length != 2 || !user[0].matches("\\d+") || !user[1].matches("\\d+")) {
      throw new IllegalStateException("the image's user is not uid:gid: " + image.user());
    }
    this.uid = Integer.parseInt(user[0]);
    this.gid = Integer.parseInt(user[1]);
  }

  /** Unpacks {@code image} into {@code root}. */
  static ImageRoot unpack(OciArchive image, Path root) throws IOException {
    image.unpack(root);
    return new ImageRoot(image, root);
  }

  int uid() {
    return uid;
  }

  int gid() {
    return gid;
  }

  /** {@code pathInRoot} seen from the host. */
  Path resolve(String pathInRoot) {
    return root.resolve(pathInRoot.substring(1));
  }

  /**
   * Copies {@code file} to {@code pathInRoot}, readable by the image's user alone: what a mounted
   * Secret would be (written before the root turns read-only).
   */
  void putSecret(Path file, String pathInRoot) throws IOException {
    Path target = resolve(pathInRoot);
    Files.createDirectories(target.getParent());
    // The root's absolute symlinks (var/run -> /run) point at the host's files from out here.
    if (!target.getParent().toRealPath().startsWith(root.toRealPath())) {
      throw new IllegalArgumentException(pathInRoot + " leads out of the root through a symlink");
    }
    Files.copy(file, target);
    Files.setAttribute(target, "unix:uid", uid);
    Files.setAttribute(target, "unix:gid", gid);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Starts the entrypoint with {@code args} (the image's {@code Cmd} when null), the image's
   * environment plus {@code env}, output to {@code log}.
   */
  Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--",
                "sh",
                "-c",
                RUN_IN_ROOT,
                "sh",
                root.toString(),
                Integer.toString(uid),
                Integer.toString(gid),
                image.workingDir()));
    command.addAll(image.entrypoint());
    command.addAll(args == null ? image.cmd() : args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // The image's environment only (PATH included: unshare finds java in the root with it).
    builder.environment().clear();
    builder.environment().putAll(image.env());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs the entrypoint with {@code args} to its end (two minutes at most): exit code, output. */
  Result run(List<String> args) throws IOException, InterruptedException {
    Path log = Files.createTempFile("image-run", ".log");
    try {
      Process process = start(args, Map.of(), log);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("did not end within 2 minutes: " + Files.readString(log));
      }
      return new Result(process.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Exit code and combined output of a finished run. */
  record Result(int exitCode, String output) {}

  /**
   * The entrypoint's process (the innermost of {@code unshare}'s), whose real and effective ids
   * {@code /proc} shows.
   */
  static ProcessHandle entrypointOf(Process process) {
    return process
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no java process under " + process.pid()));
  }

  /**
   * SIGTERM to the entrypoint (the outer {@code unshare} waits for it and then exits), SIGKILL to
   * all after 30 s.
   */
  static void stop(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the image's process did not stop within 30 s of SIGTERM");
    }
  }
}
