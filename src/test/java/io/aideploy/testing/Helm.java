package io.aideploy.testing;

import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real helm binary that {@code scripts/local-cluster build} puts next to kubectl, run with its
 * config and cache under {@code target/helm-home} so that tests leave the user's helm alone.
 */
public final class Helm {
  private final Path binary;
  private final Path projectDir;
  private final Path kubeconfig;

  private Helm(Path binary, Path projectDir, Path kubeconfig) {
    this.binary = binary;
    this.projectDir = projectDir;
    this.kubeconfig = kubeconfig;
  }

  /** The project's helm, if {@code scripts/local-cluster bin} holds one. */
  public static Optional<Helm> find() {
    Path projectDir = LocalControlPlane.projectDir();
    CommandResult bin =
        CommandResult.run(
            projectDir, List.of(projectDir.resolve("scripts/local-cluster").toString(), "bin"));
    Path helm = Path.of(bin.output().strip()).resolve("helm");
    return bin.exitCode() == 0 && Files.isExecutable(helm)
        ? Optional.of(new Helm(helm, projectDir, null))
        : Optional.empty();
  }

  /**
   * The project's helm. Missing, it fails the test under CI (where {@code .ci/run} builds it, so
   * its absence is a defect) and skips it elsewhere, saying how to get it.
   */
  public static Helm required() {
    Optional<Helm> found = find();
    String missing =
        "no helm in scripts/local-cluster bin (run scripts/local-cluster build, or put helm next to"
            + " the binaries of KUBEBUILDER_ASSETS)";
    CiRequirement.required(found.isPresent(), missing);
    return found.get();
  }

  /** This helm, talking to {@code cluster}. */
  public Helm against(LocalControlPlane.Cluster cluster) {
    return new Helm(binary, projectDir, cluster.kubeconfig());
  }

  /** The chart, {@code helm/aideploy}. */
  public Path chart() {
    return projectDir.resolve("helm/aideploy");
  }

  /** Runs {@code helm ARGS} and returns its exit code and combined output. */
  public CommandResult run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    if (kubeconfig != null) {
      command.add("--kubeconfig=" + kubeconfig);
    }
    command.addAll(List.of(args));
    Path home = projectDir.resolve("target/helm-home");
    return CommandResult.run(
        projectDir,
        command,
        Map.of(
            "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_CACHE_HOME", home.resolve("cache").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString()));
  }
}
