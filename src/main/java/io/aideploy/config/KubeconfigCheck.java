package io.aideploy.config;

import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Finds what fabric8 would silently get wrong about the kubeconfig before it is used: a KUBECONFIG
 * that names a missing file (fabric8 would fall back to another cluster, or to
 * kubernetes.default.svc), no kubeconfig at all outside a pod, a file that cannot be read or is no
 * kubeconfig. Each becomes one line saying what to do.
 */
public final class KubeconfigCheck {
  private static final String FIX =
      "pass --kubeconfig <file>, set KUBECONFIG, or create ~/.kube/config (kubectl config"
          + " view shows what kubectl uses)";

  private KubeconfigCheck() {}

  /**
   * Checks the kubeconfig that fabric8 will read without a {@code --kubeconfig}: the files of
   * KUBECONFIG, else ~/.kube/config, else the pod's service account.
   *
   * @throws IllegalArgumentException saying what is wrong and what to do
   */
  public static void checkDefault(Function<String, String> environment, Path home) {
    String kubeconfig = environment.apply("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      for (String file : List.of(kubeconfig.split(File.pathSeparator))) {
        if (!file.isBlank()) {
          check(Path.of(file), "KUBECONFIG names " + file);
        }
      }
      return;
    }
    Path file = home.resolve(".kube").resolve("config");
    if (Files.exists(file)) {
      check(file, file.toString());
    } else if (environment.apply("KUBERNETES_SERVICE_HOST") == null) {
      throw new IllegalArgumentException(
          "no kubeconfig: KUBECONFIG is not set, "
              + file
              + " does not exist and this is not a"
              + " pod; "
              + FIX);
    }
  }

  /** Reads {@code file} as a kubeconfig, or says why it cannot be used ({@code what} names it). */
  public static Config load(Path file, String what) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(what + ", which does not exist; " + FIX);
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the kubeconfig "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "); check its permissions, or "
              + FIX);
    }
    try {
      return Config.fromKubeconfig(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + " is not a valid kubeconfig (" + oneLine(e) + "); fix it, or " + FIX);
    }
  }

  private static void check(Path file, String what) {
    load(file, what);
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
