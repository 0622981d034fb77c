import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Creates APPS AiApps and TOKENS AiTokens and measures how fast the operator gives each app its
 * Deployment, Service, Ingress and a status, and each token its value (status Ready); then, with
 * tokens, makes every app's Pod ready and measures how fast each app's status turns Running, and
 * how many token reconciles those app status changes caused. Run through bench/reconcile, which
 * starts the control plane and the operator.
 *
 * <p>Usage: java -cp target/aideploy.jar bench/ReconcileBench.java NAMESPACE APPS TOKENS
 * operator|floor PROGRESS_TSV [METRICS_URL]
 *
 * <p>With {@code floor} no operator runs: this program itself sends, for each object it created,
 * the writes the operator sends (for an app: reserved-label patch, server-side apply of the three
 * children, a status patch, an Event; for a token: its finalizer, its Secret, a status patch, an
 * Event; for an app whose Deployment became available: a status patch) from a pool as large as
 * the operator's, with no logic in between. That is the time the control plane alone needs for
 * the same work on the same machine.
 *
 * <p>PROGRESS_TSV gets one line per object done: seconds since the first create, what was done
 * ({@code app}, {@code token}, {@code running}); bench/plot reconcile draws it.
 */
public class ReconcileBench {
  public static void main(String[] args) throws Exception {
    String namespace = args[0];
    int count = Integer.parseInt(args[1]);
    int tokens = Integer.parseInt(args[2]);
    boolean floor = args[3].equals("floor");
    Path progressFile = Path.of(args[4]);
    String metrics = args.length > 5 ? args[5] : null;
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Integer> children = new ConcurrentHashMap<>();
    Map<String, Long> done = new ConcurrentHashMap<>();
    Map<String, Boolean> withStatus = new ConcurrentHashMap<>();
    Map<String, Long> tokensReady = new ConcurrentHashMap<>();
    Map<String, Long> podReadyAt = new ConcurrentHashMap<>();
    Map<String, Long> running = new ConcurrentHashMap<>();
    CountDownLatch finished = new CountDownLatch(count + tokens);
    CountDownLatch allRunning = new CountDownLatch(count);
    ExecutorService writers = Executors.newFixedThreadPool(FLOOR_WRITERS);

    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      for (Class<? extends HasMetadata> type : List.of(Deployment.class, Service.class, Ingress.class)) {
        client.resources(type).inNamespace(namespace).inform(new ResourceEventHandler<HasMetadata>() {
          public void onAdd(HasMetadata child) {
            String name = child.getMetadata().getName();
            children.merge(name, 1, Integer::sum);
            complete(name, created, children, withStatus, done, finished);
          }
          public void onUpdate(HasMetadata a, HasMetadata b) {
            // The floor answers an available Deployment with the app's status patch, as the operator does.
            if (floor && b instanceof Deployment d && d.getStatus() != null
                && d.getStatus().getAvailableReplicas() != null && d.getStatus().getAvailableReplicas() > 0
                && podReadyAt.containsKey(d.getMetadata().getName())
                && running.putIfAbsent(d.getMetadata().getName() + "/floor", 0L) == null) {
              writers.submit(() -> logged(d.getMetadata().getName(), () -> client
                  .resources(AiApp.class).inNamespace(namespace)
                  .resource(appNamed(namespace, d.getMetadata().getName())).subresource("status")
                  .patch(PatchContext.of(PatchType.JSON_MERGE),
                      "{\"status\":{\"phase\":\"Running\",\"replicas\":1,\"availableReplicas\":1}}")));
            }
          }
          public void onDelete(HasMetadata a, boolean unknown) {}
        });
      }
      client.resources(AiApp.class).inNamespace(namespace).inform(new ResourceEventHandler<AiApp>() {
        public void onAdd(AiApp app) { onUpdate(null, app); }
        public void onUpdate(AiApp old, AiApp app) {
          String name = app.getMetadata().getName();
          if (app.getStatus() != null && app.getStatus().getUrl() != null
              && withStatus.putIfAbsent(name, true) == null) {
            complete(name, created, children, withStatus, done, finished);
          }
          if (app.getStatus() != null && app.getStatus().getPhase() == AppPhase.Running
              && podReadyAt.containsKey(name) && running.putIfAbsent(name, System.nanoTime()) == null) {
            allRunning.countDown();
          }
        }
        public void onDelete(AiApp app, boolean unknown) {}
      });
      client.resources(AiToken.class).inNamespace(namespace).inform(new ResourceEventHandler<AiToken>() {
        public void onAdd(AiToken token) { onUpdate(null, token); }
        public void onUpdate(AiToken old, AiToken token) {
          if (token.getStatus() != null && token.getStatus().getPhase() == TokenPhase.Ready
              && token.getStatus().getTokenHash() != null
              && tokensReady.putIfAbsent(token.getMetadata().getName(), System.nanoTime()) == null) {
            finished.countDown();
          }
        }
        public void onDelete(AiToken token, boolean unknown) {}
      });

      ExecutorService creators = Executors.newFixedThreadPool(16);
      long start = System.nanoTime();
      for (int i = 0; i < Math.max(count, tokens); i++) {
        String name = String.format("app-%05d", i);
        String tokenName = String.format("token-%05d", i);
        String group = name.endsWith("0") ? "A" : "B";
        if (i < count) {
          creators.submit(() -> {
            AiApp app = new AiApp();
            app.getMetadata().setName(name);
            app.getMetadata().setNamespace(namespace);
            app.getMetadata().setLabels(Map.of("group", group));
            AiAppSpec spec = new AiAppSpec();
            spec.setImage("ovhcom/ai-deploy-hello-world");
            app.setSpec(spec);
            created.put(name, System.nanoTime());
            AiApp stored = client.resource(app).create();
            if (floor) {
              writers.submit(() -> logged(name, () -> operatorWrites(client, stored)));
            }
            return null;
          });
        }
        if (i < tokens) {
          creators.submit(() -> {
            AiToken token = new AiToken();
            token.getMetadata().setName(tokenName);
            token.getMetadata().setNamespace(namespace);
            AiTokenSpec spec = new AiTokenSpec();
            spec.setRole(Role.Reader);
            spec.setLabelSelector("group=" + group);
            token.setSpec(spec);
            AiToken stored = client.resource(token).create();
            if (floor) {
              writers.submit(() -> logged(tokenName, () -> operatorTokenWrites(client, stored)));
            }
            return null;
          });
        }
      }
      creators.shutdown();
      creators.awaitTermination(10, TimeUnit.MINUTES);
      long allCreated = System.nanoTime();
      boolean complete = finished.await(10, TimeUnit.MINUTES);
      long end = System.nanoTime();

      List<Long> latencies = new ArrayList<>();
      done.forEach((name, at) -> latencies.add(at - created.get(name)));
      Collections.sort(latencies);
      double seconds = (end - start) / 1e9;
      System.out.printf("apps: %d, complete: %d; tokens: %d, Ready: %d%s%n", count, done.size(),
          tokens, tokensReady.size(), complete ? "" : " (TIMED OUT)");
      System.out.printf("creating them took %.1f s%n", (allCreated - start) / 1e9);
      System.out.printf("all apps with 3 children and a status%s after %.1f s: %.0f apps/s (goal: %d within 30 s)%n",
          tokens > 0 ? ", all tokens Ready," : "", seconds, done.size() / seconds, count);
      System.out.printf("create-to-status latency p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0));

      boolean statusComplete = true;
      if (complete && tokens > 0) {
        long tokenReconciles = metrics == null ? -1 : settledTokenReconciles(metrics);
        List<Pod> pods = podsOfEveryApp(client, namespace, count);
        long statusStart = System.nanoTime();
        ExecutorService podWriters = Executors.newFixedThreadPool(16);
        for (Pod pod : pods) {
          podWriters.submit(() -> {
            podReadyAt.put(pod.getMetadata().getLabels().get("aideploy.io/app"), System.nanoTime());
            return client.pods().resource(pod).subresource("status").patch(
                PatchContext.of(PatchType.JSON_MERGE), READY_POD_STATUS);
          });
        }
        podWriters.shutdown();
        statusComplete = allRunning.await(10, TimeUnit.MINUTES);
        double statusSeconds = (System.nanoTime() - statusStart) / 1e9;
        List<Long> statusLatencies = new ArrayList<>();
        running.forEach((name, at) -> {
          if (!name.endsWith("/floor")) statusLatencies.add(at - podReadyAt.get(name));
        });
        Collections.sort(statusLatencies);
        System.out.printf("status changes: %d of %d apps Running %.1f s after the first Pod turned ready%s%n",
            count - allRunning.getCount(), count, statusSeconds, statusComplete ? "" : " (TIMED OUT)");
        System.out.printf("pod-ready-to-Running latency p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
            percentile(statusLatencies, 0.50), percentile(statusLatencies, 0.99),
            percentile(statusLatencies, 1.0));
        if (metrics != null) {
          long after = settledTokenReconciles(metrics);
          System.out.printf("token reconciles: %d while creating, %d caused by the %d app status changes (goal: 0)%n",
              tokenReconciles, after - tokenReconciles, count);
        }
      }
      var os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      System.out.printf("CPU seconds of this benchmark client: %.1f%n", os.getProcessCpuTime() / 1e9);
      writeProgress(progressFile, start, done, tokensReady, running);
      System.exit(complete && statusComplete ? 0 : 1);
    }
  }

  /** A Pod as the kubelet reports it once its container runs and passes its readiness probe. */
  static final String READY_POD_STATUS = "{\"status\":{\"phase\":\"Running\",\"conditions\":["
      + "{\"type\":\"Ready\",\"status\":\"True\"},{\"type\":\"ContainersReady\",\"status\":\"True\"}],"
      + "\"containerStatuses\":[{\"name\":\"app\",\"image\":\"ovhcom/ai-deploy-hello-world\","
      + "\"imageID\":\"\",\"ready\":true,\"started\":true,\"restartCount\":0,"
      + "\"state\":{\"running\":{\"startedAt\":\"2026-01-01T00:00:00Z\"}}}]}}";

  /** The one Pod kube-controller-manager creates for each app's Deployment (no kubelet runs them). */
  static List<Pod> podsOfEveryApp(KubernetesClient client, String ns, int count) throws InterruptedException {
    while (true) {
      List<Pod> pods = client.pods().inNamespace(ns).withLabel("ovh/type", "app").list().getItems();
      if (pods.size() >= count) {
        return pods;
      }
      Thread.sleep(500);
    }
  }

  /**
   * The operator's count of token reconciles once it stopped moving (two reads a few seconds
   * apart agree): what the last writes caused has been reconciled by then.
   */
  static long settledTokenReconciles(String metricsUrl) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long previous = -1;
    while (true) {
      String text = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long now = text.lines()
          .filter(l -> l.startsWith("operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"aitoken\""))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      if (now == previous) {
        return now;
      }
      previous = now;
      Thread.sleep(3000);
    }
  }

  static void writeProgress(Path file, long start, Map<String, Long> apps, Map<String, Long> tokens,
      Map<String, Long> running) throws java.io.IOException {
    List<String> lines = new ArrayList<>();
    lines.add("seconds\tdone");
    apps.values().forEach(at -> lines.add(String.format("%.3f\tapp", (at - start) / 1e9)));
    tokens.values().forEach(at -> lines.add(String.format("%.3f\ttoken", (at - start) / 1e9)));
    running.forEach((name, at) -> {
      if (!name.endsWith("/floor")) lines.add(String.format("%.3f\trunning", (at - start) / 1e9));
    });
    Files.write(file, lines);
  }

  static AiApp appNamed(String ns, String name) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(ns);
    return app;
  }

  /** Sends the writes again after a failure, as JOSDK retries a failed reconcile (5 times). */
  static void logged(String name, Runnable writes) {
    for (int attempt = 1; ; attempt++) {
      try {
        writes.run();
        return;
      } catch (RuntimeException e) {
        System.err.println(name + " (attempt " + attempt + "): " + e.getMessage());
        if (attempt > 5) {
          return;
        }
      }
    }
  }

  /** The operator's reconcile pool: JOSDK's default number of reconciliation threads. */
  static final int FLOOR_WRITERS = 50;

  /** What the operator writes for a new app, as plain client calls (see the class comment). */
  static void operatorWrites(KubernetesClient client, AiApp app) {
    String ns = app.getMetadata().getNamespace();
    String name = app.getMetadata().getName();
    String uid = app.getMetadata().getUid();
    client.resources(AiApp.class).inNamespace(ns).withName(name).patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"ovh/id\":\"" + uid + "\",\"ovh/type\":\"app\"}}}");
    Map<String, String> labels = Map.of("group", app.getMetadata().getLabels().get("group"),
        "ovh/id", uid, "ovh/type", "app", "app.kubernetes.io/managed-by", "aideploy");
    ObjectMeta meta = new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(labels)
        .addNewOwnerReference().withApiVersion(app.getApiVersion()).withKind(app.getKind())
        .withName(name).withUid(uid).withController(true).withBlockOwnerDeletion(true)
        .endOwnerReference().build();
    Deployment deployment = new DeploymentBuilder().withMetadata(meta).withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("ovh/id", uid).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("ovh/id", uid, "ovh/type", "app",
            "app.kubernetes.io/managed-by", "aideploy", "aideploy.io/app", name)).endMetadata()
        .withNewSpec().withEnableServiceLinks(false).withAutomountServiceAccountToken(false)
        .addNewContainer().withName("app").withImage(app.getSpec().getImage())
        .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
        .endContainer().endSpec().endTemplate().endSpec().build();
    Service service = new ServiceBuilder().withMetadata(meta).withNewSpec()
        .withSelector(Map.of("ovh/id", uid)).addNewPort().withName("http").withPort(80)
        .withNewTargetPort("http").withProtocol("TCP").endPort().endSpec().build();
    String host = uid + ".apps.example.com";
    Ingress ingress = new IngressBuilder().withMetadata(new ObjectMetaBuilder(meta)
            .withAnnotations(Map.of(
                "nginx.ingress.kubernetes.io/auth-url", "http://gateway/auth?app=" + uid,
                "nginx.ingress.kubernetes.io/auth-signin",
                "https://login.example.com/login?rd=$scheme://$http_host$escaped_request_uri",
                "nginx.ingress.kubernetes.io/auth-response-headers",
                "X-Aideploy-Token,X-Aideploy-Role")).build())
        .withNewSpec().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName(name)
        .withNewPort().withName("http").endPort().endService().endBackend().endPath().endHttp()
        .endRule().endSpec().build();
    for (HasMetadata child : List.of(deployment, service, ingress)) {
      client.resource(child).fieldManager("aideploy").forceConflicts().serverSideApply();
    }
    client.resources(AiApp.class).inNamespace(ns).withName(name).subresource("status").patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"appId\":\"" + uid + "\",\"url\":\"https://" + host
            + "\",\"phase\":\"Initializing\",\"replicas\":0,\"availableReplicas\":0}}");
    event(client, app, "Created", "Created Deployment, Service, Ingress");
  }

  /**
   * What the operator writes for a new token: JOSDK's finalizer, the Secret with the value, the
   * status (Ready, hash, prefix), an Event.
   */
  static void operatorTokenWrites(KubernetesClient client, AiToken token) {
    String ns = token.getMetadata().getNamespace();
    String name = token.getMetadata().getName();
    client.resource(token).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"finalizers\":[\"aitokens.aideploy.io/finalizer\"]}}");
    String value = TokenValue.generate();
    Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "aideploy", "aideploy.io/token", name))
        .withAnnotations(Map.of("aideploy.io/token-hash", TokenValue.hash(value),
            "aideploy.io/issued-at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))
        .addNewOwnerReference().withApiVersion(token.getApiVersion()).withKind(token.getKind())
        .withName(name).withUid(token.getMetadata().getUid()).withController(true)
        .withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
        .withType("aideploy.io/token").withStringData(Map.of("token", value)).build();
    try {
      client.resource(secret).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // 409: created by an attempt whose answer was lost; this one goes on from there
      }
    }
    client.resource(token).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"phase\":\"Ready\",\"secretName\":\"" + name + "\",\"tokenHash\":\""
            + TokenValue.hash(value) + "\",\"tokenPrefix\":\"" + TokenValue.prefix(value)
            + "\",\"scope\":\"" + token.getSpec().getLabelSelector() + "\",\"matchedApps\":0}}");
    event(client, token, "Issued", "Token issued; new value in Secret " + name);
  }

  static void event(KubernetesClient client, HasMetadata about, String reason, String message) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String ns = about.getMetadata().getNamespace();
    String name = about.getMetadata().getName();
    client.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata()
        .withName(name + "." + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
        .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
        .withName(name).withNamespace(ns).withUid(about.getMetadata().getUid()).endInvolvedObject()
        .withType("Normal").withReason(reason).withMessage(message)
        .withNewSource().withComponent("aideploy-operator").endSource()
        .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
        .build()).create();
  }

  static void complete(String name, Map<String, Long> created, Map<String, Integer> children,
      Map<String, Boolean> withStatus, Map<String, Long> done, CountDownLatch finished) {
    if (children.getOrDefault(name, 0) >= 3 && withStatus.containsKey(name)
        && created.containsKey(name) && done.putIfAbsent(name, System.nanoTime()) == null) {
      finished.countDown();
    }
  }

  static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
  }
}
