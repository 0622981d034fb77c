package io.aideploy.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts the real local control plane ({@code scripts/local-cluster up})
 * once per test run, installs the CRDs from {@code crds/}, and hands tests a fabric8 client. The
 * control plane is stopped when the run ends.
 *
 * <p>Tests declare a {@link KubernetesClient} or {@link LocalControlPlane.Cluster} parameter.
 */
public class LocalControlPlane implements ParameterResolver, AfterAllCallback {

  /** The running control plane: its kubeconfig and the directory of its binaries. */
  @SuppressWarnings("deprecation") // CloseableResource: the Store closes it at the end of the run
  public record Cluster(Path kubeconfig, Path binDir, Path projectDir)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    /** A new client for this control plane; the caller closes it. */
    public KubernetesClient newClient() {
      try {
        String text = Files.readString(kubeconfig);
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Runs kubectl against this control plane and returns its exit code and output. */
    public CommandResult kubectl(String... args) {
      List<String> command = new ArrayList<>();
      command.add(binDir.resolve("kubectl").toString());
      command.add("--kubeconfig=" + kubeconfig);
      command.add("--cache-dir=" + kubeconfig.resolveSibling("kubectl-cache"));
      command.addAll(List.of(args));
      return CommandResult.run(projectDir, command);
    }

    @Override
    public void close() {
      CommandResult down = script(projectDir, "down");
      System.err.println(down.output());
    }
  }

  /** Exit code and combined output of a finished process. */
  public record CommandResult(int exitCode, String output) {
    public static CommandResult run(Path dir, List<String> command) {
      return run(dir, command, java.util.Map.of());
    }

    /** Runs {@code command} in {@code dir} with {@code env} added, for at most 30 minutes. */
    public static CommandResult run(
        Path dir, List<String> command, java.util.Map<String, String> env) {
      try {
        // Output to a file rather than a pipe: reading a pipe has no timeout, a file does not
        // need one.
        Path output = Files.createTempFile("aideploy-command", ".out");
        try {
          ProcessBuilder builder =
              new ProcessBuilder(command)
                  .directory(dir.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(output.toFile());
          builder.environment().putAll(env);
          Process process = builder.start();
          if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(
                "timed out after 30 minutes: " + command + "\n" + Files.readString(output));
          }
          return new CommandResult(process.exitValue(), Files.readString(output));
        } finally {
          Files.deleteIfExists(output);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalControlPlane.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == Cluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Cluster cluster = cluster(context);
    if (parameter.getParameter().getType() == Cluster.class) {
      return cluster;
    }
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            "client", key -> new ClosableClient(cluster.newClient()), ClosableClient.class)
        .client();
  }

  /** Deletes the namespaces the class created (after its own {@code @AfterAll} methods). */
  @Override
  public void afterAll(ExtensionContext context) {
    Cluster cluster = context.getRoot().getStore(NAMESPACE).get("cluster", Cluster.class);
    if (cluster != null) {
      try (KubernetesClient client = cluster.newClient()) {
        TestNamespaces.deleteCreated(client);
      }
    }
  }

  /** The control plane of this test run, started on first use. */
  public static Cluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("cluster", key -> start(), Cluster.class);
  }

  @SuppressWarnings("deprecation")
  private record ClosableClient(KubernetesClient client)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  /**
   * A control plane of its own in {@code clusterDir}, for a test whose steps act on the whole
   * cluster (and would meet the other classes' objects on the shared one). Closing it stops it.
   */
  public static Separate startSeparate(Path clusterDir) {
    Path projectDir = projectDir();
    Map<String, String> env = Map.of("AIDEPLOY_CLUSTER_DIR", clusterDir.toString());
    CommandResult up =
        CommandResult.run(
            projectDir, List.of(projectDir.resolve("scripts/local-cluster").toString(), "up"), env);
    String[] lines = up.output().strip().split("\n");
    String last = lines[lines.length - 1];
    if (up.exitCode() != 0 || !last.startsWith("KUBECONFIG=")) {
      throw new IllegalStateException("scripts/local-cluster up failed:\n" + up.output());
    }
    Path binDir = Path.of(script(projectDir, "bin").output().strip());
    Cluster cluster =
        new Cluster(Path.of(last.substring("KUBECONFIG=".length())), binDir, projectDir);
    Separate separate = new Separate(cluster, env);
    try (KubernetesClient client = cluster.newClient()) {
      installCrds(client, projectDir.resolve("crds"));
    } catch (RuntimeException e) {
      separate.close();
      throw e;
    }
    return separate;
  }

  /** A control plane started by {@link #startSeparate}. */
  public record Separate(Cluster cluster, Map<String, String> env) implements AutoCloseable {
    @Override
    public void close() {
      Path projectDir = cluster.projectDir();
      CommandResult down =
          CommandResult.run(
              projectDir,
              List.of(projectDir.resolve("scripts/local-cluster").toString(), "down"),
              env);
      System.err.println(down.output());
    }
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath().normalize();
  }

  private static CommandResult script(Path projectDir, String verb) {
    return CommandResult.run(
        projectDir, List.of(projectDir.resolve("scripts/local-cluster").toString(), verb));
  }

  private static Cluster start() {
    Path projectDir = projectDir();
    CommandResult up = script(projectDir, "up");
    if (up.exitCode() != 0) {
      throw new IllegalStateException("scripts/local-cluster up failed:\n" + up.output());
    }
    String[] lines = up.output().strip().split("\n");
    String last = lines[lines.length - 1];
    if (!last.startsWith("KUBECONFIG=")) {
      throw new IllegalStateException("unexpected output of scripts/local-cluster up:\n" + up);
    }
    Path binDir = Path.of(script(projectDir, "bin").output().strip());
    Cluster cluster =
        new Cluster(Path.of(last.substring("KUBECONFIG=".length())), binDir, projectDir);
    try (KubernetesClient client = cluster.newClient()) {
      installCrds(client, projectDir.resolve("crds"));
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Applies every CRD in {@code dir} and waits until the API server serves them. */
  public static void installCrds(KubernetesClient client, Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        apply(
            client,
            client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CRDs in " + dir, e);
    }
  }

  /** Applies {@code crd} (server-side, taking over its fields) and waits until it is served. */
  static void apply(KubernetesClient client, CustomResourceDefinition crd) {
    client.resource(crd).forceConflicts().serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(LocalControlPlane::established, 60, TimeUnit.SECONDS);
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
