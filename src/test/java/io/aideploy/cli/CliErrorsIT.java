package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Expected failures that need a real API server or the real jar (its environment, its ports): one
 * line each, saying what is wrong and what to do, with the documented exit code. No operator runs
 * here, on purpose.
 */
@ExtendWith(LocalControlPlane.class)
class CliErrorsIT {
  private static LocalControlPlane.Cluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void cluster(LocalControlPlane.Cluster localCluster, KubernetesClient kubernetes) {
    cluster = localCluster;
    client = kubernetes;
  }

  @Test
  void aMissingNamespaceIsNamedWhereverItShows() {
    for (List<String> args :
        List.of(
            List.of("app", "ls"),
            List.of("app", "get", "hello"),
            List.of("token", "ls"),
            List.of("token", "create", "t", "--role", "read", "-l", "group=A"))) {
      CliRun run = kube("no-such-namespace", args.toArray(String[]::new));
      assertThat(run.exitCode()).as(args + ": " + run.err()).isEqualTo(CliException.NOT_FOUND);
      assertThat(run.errLines())
          .as(args.toString())
          .containsExactly(
              "error: namespace no-such-namespace does not exist; 'kubectl get namespaces' lists"
                  + " them, -n/--namespace picks one");
    }
  }

  @Test
  void aTimedOutCreateSaysTheTokenExistsAndHowToFinish() {
    String ns = TestNamespaces.create(client, "cli-timeout");
    CliRun run =
        kube(ns, "token", "create", "late", "--role", "read", "-l", "a=b", "--timeout", "1s");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.UNAVAILABLE);
    assertThat(run.errLines())
        .last()
        .asString()
        .isEqualTo(
            "error: timed out after 1s waiting for the operator to issue the value of token late;"
                + " is the operator running? The AiToken late exists in namespace "
                + ns
                + ": once 'kubectl get aitoken late -n "
                + ns
                + "' says Ready, 'aideploy token regenerate late -n "
                + ns
                + "' prints a value, or 'aideploy token delete late -n "
                + ns
                + "' removes it");
    assertThat(client.resources(AiToken.class).inNamespace(ns).withName("late").get()).isNotNull();
  }

  @Test
  void aBadLogLevelStopsTheJarWithOneLine() {
    CommandResult run = jar(Map.of("AIDEPLOY_LOG_LEVEL", "loud"), "operator");
    assertThat(run.exitCode()).isEqualTo(CliException.USAGE);
    assertThat(run.output().lines())
        .containsExactly(
            "error: AIDEPLOY_LOG_LEVEL='loud' is not a log level; set it to one of trace, debug,"
                + " info, warn, error, off");
  }

  @Test
  void aKubeconfigVariableNamingAMissingFileStopsTheJar() {
    for (String command : List.of("operator", "app ls")) {
      CommandResult run = jar(Map.of("KUBECONFIG", "/nonexistent/config"), command.split(" "));
      assertThat(run.exitCode()).as(run.output()).isEqualTo(CliException.USAGE);
      assertThat(run.output().lines())
          .as(command)
          .singleElement()
          .asString()
          .startsWith("error: KUBECONFIG names /nonexistent/config, which does not exist; pass");
    }
  }

  @Test
  void aBusyPortIsOneLineNamingTheSetting() throws IOException {
    try (ServerSocket busy = new ServerSocket(0);
        ServerSocket free = new ServerSocket(0)) {
      int freePort = free.getLocalPort();
      free.close();
      CommandResult management =
          jar(
              Map.of("KUBECONFIG", cluster.kubeconfig().toString()),
              "gateway",
              "--management-port",
              Integer.toString(busy.getLocalPort()),
              "--gateway-port",
              Integer.toString(freePort));
      assertThat(management.exitCode()).as(management.output()).isEqualTo(CliException.USAGE);
      assertThat(management.output().lines().filter(l -> l.startsWith("error: ")))
          .containsExactly(
              "error: cannot listen on management port "
                  + busy.getLocalPort()
                  + " (--management-port, AIDEPLOY_MANAGEMENT_PORT): the address is already in"
                  + " use; stop what listens there, or choose another port");
      assertThat(management.output()).doesNotContain("\tat ");
    }
  }

  private static CliRun kube(String ns, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", cluster.kubeconfig().toString()));
    return CliRun.of(all);
  }

  /** The built jar, as a person runs it, with {@code env} added to this environment. */
  private static CommandResult jar(Map<String, String> env, String... args) {
    Path project = cluster.projectDir();
    List<String> command = new ArrayList<>(List.of("java", "-jar", "target/aideploy.jar"));
    command.addAll(List.of(args));
    return CommandResult.run(project, command, env);
  }
}
