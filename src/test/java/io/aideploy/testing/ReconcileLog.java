package io.aideploy.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which version of each resource the operator last finished reconciling. Tests that check that
 * something did <em>not</em> happen wait here for evidence that the reconcile which could have done
 * it ran, instead of sleeping and hoping it did.
 */
public final class ReconcileLog implements Metrics {
  private final Map<String, Long> finishedAt = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> events = new ConcurrentHashMap<>();

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    if (event instanceof ResourceEvent) {
      return; // a change of the primary itself, not of a resource it depends on
    }
    ResourceID id = event.getRelatedCustomResourceID();
    String key =
        metadata.get(Constants.CONTROLLER_NAME)
            + "/"
            + id.getNamespace().orElse("")
            + "/"
            + id.getName();
    events.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failures.computeIfAbsent(key(resource), k -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * How many events about other resources (secondary resources, timers) controller {@code
   * controller} received for {@code resource} so far, after their filters: each is a reason to
   * reconcile it that is not a change of the resource itself.
   */
  public int secondaryEventsFor(String controller, HasMetadata resource) {
    String key =
        controller
            + "/"
            + resource.getMetadata().getNamespace()
            + "/"
            + resource.getMetadata().getName();
    AtomicInteger count = events.get(key);
    return count == null ? 0 : count.get();
  }

  /**
   * How many reconciles of {@code resource} finished so far: for a wait on something other than the
   * resource itself (a retry, a change of what it depends on), where its version does not move.
   */
  public int reconcilesOf(HasMetadata resource) {
    AtomicInteger count = finished.get(key(resource));
    return count == null ? 0 : count.get();
  }

  /** How many reconciles of {@code resource} failed so far. */
  public int failuresOf(HasMetadata resource) {
    AtomicInteger count = failures.get(key(resource));
    return count == null ? 0 : count.get();
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.computeIfAbsent(key(resource), k -> new AtomicInteger()).incrementAndGet();
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
