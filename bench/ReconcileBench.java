import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * <p>Usage: java -cp target/aideploy.jar bench/ReconcileBench.java NAMESPACE COUNT
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
          client.resource(app).create();
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
      System.exit(complete ? 0 : 1);
    }
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
