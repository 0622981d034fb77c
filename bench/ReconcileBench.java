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
 * Creates N AiApps and measures how fast the operator gives each its Deployment, Service, Ingress
 * and a status. Run through bench/reconcile, which starts the control plane and the operator.
 *
 * <p>Usage: java -cp target/aideploy.jar bench/ReconcileBench.java NAMESPACE COUNT [floor]
 *
 * <p>With {@code floor} no operator runs: this program itself sends, for each app it created, the
 * writes the operator sends (reserved-label patch, server-side apply of the three children, a
 * status patch, an Event) from a pool as large as the operator's, with no logic in between. That
 * is the time the control plane alone needs for the same work on the same machine.
 */
public class ReconcileBench {
  record Progress(long createdAt, int children, boolean status) {}

  public static void main(String[] args) throws Exception {
    String namespace = args[0];
    int count = Integer.parseInt(args[1]);
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Integer> children = new ConcurrentHashMap<>();
    Map<String, Long> done = new ConcurrentHashMap<>();
    Map<String, Boolean> withStatus = new ConcurrentHashMap<>();
    CountDownLatch finished = new CountDownLatch(count);

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
          public void onUpdate(HasMetadata a, HasMetadata b) {}
          public void onDelete(HasMetadata a, boolean unknown) {}
        });
      }
      client.resources(AiApp.class).inNamespace(namespace).inform(new ResourceEventHandler<AiApp>() {
        public void onAdd(AiApp app) { onUpdate(null, app); }
        public void onUpdate(AiApp old, AiApp app) {
          if (app.getStatus() != null && app.getStatus().getUrl() != null
              && withStatus.putIfAbsent(app.getMetadata().getName(), true) == null) {
            complete(app.getMetadata().getName(), created, children, withStatus, done, finished);
          }
        }
        public void onDelete(AiApp app, boolean unknown) {}
      });

      boolean floor = args.length > 2 && args[2].equals("floor");
      ExecutorService writers = Executors.newFixedThreadPool(FLOOR_WRITERS);
      ExecutorService creators = Executors.newFixedThreadPool(16);
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        String name = String.format("app-%05d", i);
        creators.submit(() -> {
          AiApp app = new AiApp();
          app.getMetadata().setName(name);
          app.getMetadata().setNamespace(namespace);
          app.getMetadata().setLabels(Map.of("group", name.endsWith("0") ? "A" : "B"));
          AiAppSpec spec = new AiAppSpec();
          spec.setImage("ovhcom/ai-deploy-hello-world");
          app.setSpec(spec);
          created.put(name, System.nanoTime());
          AiApp stored = client.resource(app).create();
          if (floor) {
            writers.submit(() -> {
              try {
                operatorWrites(client, stored);
              } catch (RuntimeException e) {
                System.err.println(name + ": " + e.getMessage());
              }
            });
          }
          return null;
        });
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
      System.out.printf("apps: %d, complete: %d%s%n", count, done.size(), complete ? "" : " (TIMED OUT)");
      System.out.printf("creating them took %.1f s%n", (allCreated - start) / 1e9);
      System.out.printf("all with 3 children and a status after %.1f s: %.0f apps/s (goal: %d within 30 s)%n",
          seconds, done.size() / seconds, count);
      System.out.printf("create-to-status latency p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0));
      var os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      System.out.printf("CPU seconds of this benchmark client: %.1f%n", os.getProcessCpuTime() / 1e9);
      System.exit(complete ? 0 : 1);
    }
  }

  /** The operator's reconcile pool: JOSDK's default number of reconciliation threads. */
  static final int FLOOR_WRITERS = 50;

  /** What the operator writes for a new app, as plain client calls (see the class comment). */
  static Void operatorWrites(KubernetesClient client, AiApp app) {
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
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    client.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata()
        .withName(name + "." + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
        .withNewInvolvedObject().withApiVersion(app.getApiVersion()).withKind(app.getKind())
        .withName(name).withNamespace(ns).withUid(uid).endInvolvedObject()
        .withType("Normal").withReason("Created").withMessage("Created Deployment, Service, Ingress")
        .withNewSource().withComponent("aideploy-operator").endSource()
        .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
        .build()).create();
    return null;
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
