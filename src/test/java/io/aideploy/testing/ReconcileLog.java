package io.aideploy.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version of each resource the operator last finished reconciling. Tests that check that
 * something did <em>not</em> happen wait here for evidence that the reconcile which could have done
 * it ran, instead of sleeping and hoping it did.
 */
public final class ReconcileLog implements Metrics {
  private final Map<String, Long> finishedAt = new ConcurrentHashMap<>();

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    String version = resource.getMetadata().getResourceVersion();
    if (version != null) {
      // Resource versions are opaque to clients; on etcd they are its revisions, which grow.
      finishedAt.merge(key(resource), Long.parseLong(version), Math::max);
    }
  }

  /**
   * Waits until a reconcile of {@code resource} finished on a version at least as new as the one it
   * has now, i.e. one that saw this version of it.
   */
  public void awaitReconciled(HasMetadata resource) {
    long version = Long.parseLong(resource.getMetadata().getResourceVersion());
    String key = key(resource);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> finishedAt.getOrDefault(key, -1L) >= version);
  }

  private static String key(HasMetadata resource) {
    return resource.getKind()
        + "/"
        + resource.getMetadata().getNamespace()
        + "/"
        + resource.getMetadata().getName();
  }
}
