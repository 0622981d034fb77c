package io.aideploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.testing.FreePorts;
import io.aideploy.testing.Helm;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code helm install} and {@code helm upgrade} of the chart into the real local control plane, and
 * what its RBAC lets each ServiceAccount do, asked of the API server with {@code kubectl auth can-i
 * --as}. Pods never run there (no kubelet), so nothing waits for readiness.
 */
@ExtendWith(LocalControlPlane.class)
class HelmInstallE2E {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Helm helm;

  @BeforeAll
  static void findHelm(LocalControlPlane.Cluster cluster) {
    helm = Helm.required().against(cluster);
  }

  @Test
  void installsClusterWideWithLeastPrivilegeAndKeepsTheSessionKeyOnUpgrade(
      LocalControlPlane.Cluster cluster, KubernetesClient client) {
    String ns = TestNamespaces.create(client, "helm");
    String apps = TestNamespaces.create(client, "apps");
    // The "restricted" Pod Security Standard: the ReplicaSets' Pods are refused unless hardened.
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    CommandResult install =
        helm.run(
            "install",
            "aideploy",
            helm.chart().toString(),
            "-n",
            ns,
            "--set",
            "settings.baseDomain=apps.helm.test",
            "--set",
            "gateway.ingress.enabled=true",
            "--set",
            "gateway.autoscaling.enabled=true",
            "--set",
            "networkPolicy.enabled=true");
    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(install.output())
        .contains("STATUS: deployed", "kubectl apply -f examples/")
        .doesNotContain("PodSecurity", "Warning");

    // Every object of the release exists in the API server.
    assertThat(names(cluster, ns, "deployment,service,serviceaccount,secret,pdb,hpa,ingress"))
        .contains(
            "deployment.apps/aideploy-operator",
            "deployment.apps/aideploy-gateway",
            "service/aideploy-operator",
            "service/aideploy-gateway",
            "serviceaccount/aideploy-operator",
            "serviceaccount/aideploy-gateway",
            "secret/aideploy-session-key",
            "poddisruptionbudget.policy/aideploy-gateway",
            "horizontalpodautoscaler.autoscaling/aideploy-gateway",
            "ingress.networking.k8s.io/aideploy-gateway");
    assertThat(names(cluster, ns, "role,rolebinding,networkpolicy"))
        .contains(
            "role.rbac.authorization.k8s.io/aideploy-operator-leader-election",
            "rolebinding.rbac.authorization.k8s.io/aideploy-operator-leader-election",
            "networkpolicy.networking.k8s.io/aideploy-gateway",
            "networkpolicy.networking.k8s.io/aideploy-operator");
    assertThat(names(cluster, null, "clusterrole,clusterrolebinding"))
        .contains(
            "clusterrole.rbac.authorization.k8s.io/aideploy-operator",
            "clusterrole.rbac.authorization.k8s.io/aideploy-gateway",
            "clusterrolebinding.rbac.authorization.k8s.io/aideploy-operator",
            "clusterrolebinding.rbac.authorization.k8s.io/aideploy-gateway");
    // No kubelet: the Pods stay Pending, but they exist, so admission accepted them.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(podsOf(client, ns, "operator")).isEqualTo(2);
              assertThat(podsOf(client, ns, "gateway")).isPositive();
            });
    assertThat(
            client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()))
                .map(e -> e.getMessage())
                .toList())
        .isEmpty();
    CommandResult status = helm.run("status", "aideploy", "-n", ns);
    assertThat(status.output()).contains("STATUS: deployed");

    String gateway = "system:serviceaccount:" + ns + ":aideploy-gateway";
    for (String allowed :
        List.of(
            "get aiapps.aideploy.io",
            "list aiapps.aideploy.io",
            "watch aiapps.aideploy.io",
            "patch aiapps.aideploy.io",
            "delete aiapps.aideploy.io",
            // POST /v1/apps: an Operator token creates apps through the gateway.
            "create aiapps.aideploy.io",
            "get aitokens.aideploy.io",
            "list aitokens.aideploy.io",
            "watch aitokens.aideploy.io",
            "patch aitokens.aideploy.io --subresource=status")) {
      assertThat(canI(cluster, gateway, apps, allowed)).as("gateway may " + allowed).isTrue();
    }
    for (String denied :
        List.of(
            "get secrets",
            "list secrets",
            "watch secrets",
            "update aiapps.aideploy.io",
            "patch aiapps.aideploy.io --subresource=status",
            "create aitokens.aideploy.io",
            "patch aitokens.aideploy.io",
            "update aitokens.aideploy.io",
            "delete aitokens.aideploy.io",
            "get pods",
            "get configmaps",
            "create deployments.apps",
            "patch ingresses.networking.k8s.io",
            "create leases.coordination.k8s.io",
            "create events")) {
      assertThat(canI(cluster, gateway, apps, denied)).as("gateway may not " + denied).isFalse();
    }

    String operator = "system:serviceaccount:" + ns + ":aideploy-operator";
    for (String allowed :
        List.of(
            "watch aiapps.aideploy.io",
            "patch aiapps.aideploy.io",
            "patch aiapps.aideploy.io --subresource=status",
            "update aitokens.aideploy.io --subresource=finalizers",
            "create secrets",
            "update secrets",
            "delete secrets",
            "watch secrets",
            "create deployments.apps",
            "delete services",
            "patch ingresses.networking.k8s.io",
            "create horizontalpodautoscalers.autoscaling",
            "watch pods",
            "create events")) {
      assertThat(canI(cluster, operator, apps, allowed)).as("operator may " + allowed).isTrue();
    }
    for (String denied :
        List.of(
            "patch secrets",
            "create pods",
            "delete pods",
            "get configmaps",
            "create aiapps.aideploy.io",
            "delete aitokens.aideploy.io",
            "create leases.coordination.k8s.io",
            "create clusterroles.rbac.authorization.k8s.io",
            "create rolebindings.rbac.authorization.k8s.io",
            "impersonate serviceaccounts")) {
      assertThat(canI(cluster, operator, apps, denied)).as("operator may not " + denied).isFalse();
    }
    for (String verb : List.of("get", "create", "update")) {
      assertThat(canI(cluster, operator, ns, verb + " leases.coordination.k8s.io"))
          .as("operator may " + verb + " its Lease")
          .isTrue();
    }

    // An upgrade that changes settings keeps the generated session key (sessions survive it).
    String key = sessionKey(client, ns);
    assertThat(key).isNotBlank();
    CommandResult upgrade =
        helm.run(
            "upgrade",
            "aideploy",
            helm.chart().toString(),
            "-n",
            ns,
            "--reuse-values",
            "--set",
            "settings.logLevel=debug");
    assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
    assertThat(upgrade.output()).contains("REVISION: 2");
    assertThat(sessionKey(client, ns)).isEqualTo(key);
    Deployment upgraded =
        client.apps().deployments().inNamespace(ns).withName("aideploy-gateway").get();
    assertThat(upgraded.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("AIDEPLOY_LOG_LEVEL") && "debug".equals(e.getValue()));

    CommandResult uninstall = helm.run("uninstall", "aideploy", "-n", ns);
    assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
  }

  @Test
  void watchNamespacesGiveNamespacedRbacOnly(
      LocalControlPlane.Cluster cluster, KubernetesClient client) {
    String ns = TestNamespaces.create(client, "helm-ns");
    String watched = TestNamespaces.create(client, "watched");
    String other = TestNamespaces.create(client, "other");
    CommandResult install =
        helm.run(
            "install",
            "scoped",
            helm.chart().toString(),
            "-n",
            ns,
            "--set",
            "settings.watchNamespaces={" + watched + "}");
    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(names(cluster, null, "clusterrole")).noneMatch(n -> n.contains("scoped-aideploy"));

    String gateway = "system:serviceaccount:" + ns + ":scoped-aideploy-gateway";
    String operator = "system:serviceaccount:" + ns + ":scoped-aideploy-operator";
    assertThat(canI(cluster, gateway, watched, "list aitokens.aideploy.io")).isTrue();
    assertThat(canI(cluster, gateway, other, "list aitokens.aideploy.io")).isFalse();
    assertThat(canI(cluster, gateway, watched, "get secrets")).isFalse();
    assertThat(canI(cluster, operator, watched, "create secrets")).isTrue();
    assertThat(canI(cluster, operator, other, "create secrets")).isFalse();
    assertThat(canI(cluster, operator, other, "list aiapps.aideploy.io")).isFalse();

    assertThat(helm.run("uninstall", "scoped", "-n", ns).exitCode()).isZero();
  }

  /**
   * The real jar under the chart's RBAC: two operators (leader election) and a gateway run with
   * kubeconfigs that impersonate the release's ServiceAccounts, so every call they make is
   * authorized exactly as in a cluster. Namespaced mode, so the Roles are what is exercised.
   */
  @Test
  void theJarRunsUnderTheChartsServiceAccounts(
      LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    String ns = TestNamespaces.create(client, "helm-run");
    String apps = TestNamespaces.create(client, "helm-apps");
    CommandResult install =
        helm.run(
            "install",
            "run",
            helm.chart().toString(),
            "-n",
            ns,
            "--set",
            "settings.watchNamespaces={" + apps + "}");
    assertThat(install.exitCode()).as(install.output()).isZero();

    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    int gatewayPort = FreePorts.pick();
    List<Integer> managementPorts = List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    try {
      for (int i = 0; i < 2; i++) {
        processes.add(
            startJar(
                cluster,
                impersonating(cluster, ns, "run-aideploy-operator"),
                logs,
                "operator",
                "--leader-election",
                "--leader-election-namespace=" + ns,
                "--watch-namespaces=" + apps,
                "--management-port=" + managementPorts.get(i)));
      }
      processes.add(
          startJar(
              cluster,
              impersonating(cluster, ns, "run-aideploy-gateway"),
              logs,
              "gateway",
              "--watch-namespaces=" + apps,
              "--gateway-port=" + gatewayPort,
              "--management-port=" + managementPorts.get(2)));
      for (int port : managementPorts) {
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> status("GET", "http://127.0.0.1:" + port + "/readyz", null) == 200);
      }

      Path examples = cluster.projectDir().resolve("examples");
      CommandResult applied = cluster.kubectl("apply", "-n", apps, "-f", examples.toString());
      assertThat(applied.exitCode()).as(applied.output()).isZero();
      String reader = tokenValue(client, apps, "reader-token");
      String operator = tokenValue(client, apps, "operator-token");
      String app =
          client
              .resources(AiApp.class)
              .inNamespace(apps)
              .withName("hello-world")
              .get()
              .getMetadata()
              .getUid();

      String auth = "http://127.0.0.1:" + gatewayPort + "/auth?app=" + app;
      await().atMost(Duration.ofSeconds(30)).until(() -> status("GET", auth, reader) == 200);
      assertThat(status("GET", auth, null)).isEqualTo(401);
      String stop = "http://127.0.0.1:" + gatewayPort + "/v1/apps/" + app + "/stop";
      assertThat(status("POST", stop, reader)).isEqualTo(403);
      assertThat(status("POST", stop, operator)).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client
                      .apps()
                      .deployments()
                      .inNamespace(apps)
                      .withName("hello-world")
                      .get()
                      .getSpec()
                      .getReplicas(),
              replicas -> replicas != null && replicas == 0);
      assertThat(client.resources(Lease.class).inNamespace(ns).withName("aideploy-operator").get())
          .isNotNull();
    } finally {
      // An operator with leader election was seen ignoring SIGTERM; do not hang the build on it.
      for (Process process : processes) {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          // SIGKILL cannot be ignored; the bound only turns a kernel-level hang into a failure.
          assertThat(process.destroyForcibly().waitFor(30, TimeUnit.SECONDS))
              .as("process %s gone after SIGKILL", process.pid())
              .isTrue();
        }
      }
    }
    // No API call was refused (the audit log's result=forbidden is the gateway's own 403).
    for (Path log : logs) {
      assertThat(Files.readString(log))
          .as(log.toString())
          .doesNotContain("is forbidden", "Forbidden");
    }
    assertThat(helm.run("uninstall", "run", "-n", ns).exitCode()).isZero();
  }

  /** A copy of the test kubeconfig whose user impersonates {@code ns}'s ServiceAccount. */
  private static Path impersonating(LocalControlPlane.Cluster cluster, String ns, String account)
      throws IOException {
    CommandResult view = cluster.kubectl("config", "view", "--raw");
    assertThat(view.exitCode()).as(view.output()).isZero();
    String impersonated =
        view.output()
            .replaceAll(
                "(\\n- name: [^\\n]+\\n  user:\\n)",
                "$1    as: system:serviceaccount:" + ns + ":" + account + "\n");
    assertThat(impersonated).contains("as: system:serviceaccount:");
    Path file = Files.createTempFile(account, ".kubeconfig");
    Files.writeString(file, impersonated);
    return file;
  }

  private static Process startJar(
      LocalControlPlane.Cluster cluster, Path kubeconfig, List<Path> logs, String... args)
      throws IOException {
    Path log = Files.createTempFile(args[0], ".log");
    logs.add(log);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(cluster.projectDir().resolve("target/aideploy.jar").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("AIDEPLOY_BASE_DOMAIN", "apps.helm.test");
    return builder.start();
  }

  private static String tokenValue(KubernetesClient client, String ns, String name) {
    Secret secret =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> client.secrets().inNamespace(ns).withName(name).get(), s -> s != null);
    return new String(
        Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
  }

  private static int status(String method, String url, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<String> names(LocalControlPlane.Cluster cluster, String ns, String kinds) {
    CommandResult result =
        ns == null
            ? cluster.kubectl(
                "get", kinds, "-l", "app.kubernetes.io/part-of=aideploy", "-o", "name")
            : cluster.kubectl(
                "get", kinds, "-n", ns, "-l", "app.kubernetes.io/part-of=aideploy", "-o", "name");
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result.output().lines().toList();
  }

  /** {@code kubectl auth can-i VERB RESOURCE [--subresource=…] --as=USER -n NS}. */
  private static boolean canI(
      LocalControlPlane.Cluster cluster, String user, String ns, String question) {
    List<String> args = new java.util.ArrayList<>(List.of("auth", "can-i"));
    args.addAll(List.of(question.split(" ")));
    args.addAll(List.of("--as=" + user, "-n", ns));
    CommandResult result = cluster.kubectl(args.toArray(String[]::new));
    // kubectl warns on a line of its own, e.g. about -n for a cluster-scoped resource.
    List<String> lines = result.output().strip().lines().toList();
    String answer = lines.get(lines.size() - 1);
    assertThat(answer).as(String.join(" ", args)).isIn("yes", "no");
    return answer.equals("yes");
  }

  private static int podsOf(KubernetesClient client, String ns, String component) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems()
        .size();
  }

  private static String sessionKey(KubernetesClient client, String ns) {
    Secret secret = client.secrets().inNamespace(ns).withName("aideploy-session-key").get();
    return secret.getData().get("session-key");
  }
}
