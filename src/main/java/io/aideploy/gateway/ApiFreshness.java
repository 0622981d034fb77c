package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiToken;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the gateway has heard from the API server lately. A watch that goes silent (a paused API
 * server, a dropped route: the connection stays open and nothing arrives) is noticed by the
 * informers only after about a minute, and meanwhile a token regenerated or deleted through a
 * healthy API server still works here. So every {@link #PROBE_INTERVAL_MS} a cheap read (a list of
 * at most one AiToken) goes to the API server; a read that comes back proves the API server was
 * reachable when it was sent. When none has come back for {@link #MAX_STALENESS_NANOS}, the gateway
 * stops deciding (503, /readyz fails) until one does: a revocation is refused everywhere within
 * that bound, reachable replica or not.
 *
 * <p>A read counts only if every watch was up when it was sent and still is when it comes back: an
 * API server that answers reads while a watch is down (restarted, its watch not yet re-established
 * after the informers' back-off) proves nothing about the changes the watch would bring. Without
 * this, such a gap was covered only by the informers' 30-s grace, and a revocation accepted in it
 * could be allowed for up to that long.
 */
final class ApiFreshness implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiFreshness.class);
  static final long PROBE_INTERVAL_MS = 2_000;
  static final long MAX_STALENESS_NANOS = 10_000_000_000L;

  private final Runnable read;
  private final BooleanSupplier watching;
  private final LongSupplier nanoTime;
  private final long maxStalenessNanos;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long confirmedAtNanos;
  private volatile boolean reportedStale;

  ApiFreshness(Runnable read, BooleanSupplier watching, LongSupplier nanoTime, long maxStaleness) {
    this.read = read;
    this.watching = watching;
    this.nanoTime = nanoTime;
    this.maxStalenessNanos = maxStaleness;
    this.confirmedAtNanos = nanoTime.getAsLong();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "aideploy-api-freshness");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts probing {@code client}'s API server; {@code namespaces} empty means all; {@code
   * watching}: whether every watch is up.
   */
  static ApiFreshness start(
      KubernetesClient client,
      Set<String> namespaces,
      BooleanSupplier watching,
      long maxStaleness) {
    Runnable read =
        () -> {
          var tokens = client.resources(AiToken.class);
          var options = new ListOptionsBuilder().withLimit(1L).build();
          if (namespaces.isEmpty()) {
            tokens.inAnyNamespace().list(options);
          } else {
            tokens.inNamespace(namespaces.iterator().next()).list(options);
          }
        };
    ApiFreshness freshness = new ApiFreshness(read, watching, System::nanoTime, maxStaleness);
    freshness.timer.scheduleWithFixedDelay(
        freshness::probe, 0, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    return freshness;
  }

  /** Whether a read sent less than the bound ago has come back. */
  boolean isFresh() {
    boolean fresh = nanoTime.getAsLong() - confirmedAtNanos < maxStalenessNanos;
    if (!fresh && !reportedStale) {
      reportedStale = true;
      log.warn(
          "no answer from the API server for {} s: refusing to decide until one comes",
          maxStalenessNanos / 1_000_000_000L);
    }
    return fresh;
  }

  void probe() {
    // One read at a time: a hanging one (its request timeout ends it) holds the next ones back,
    // so the time since the last answer keeps growing, as it should.
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    long sentAt = nanoTime.getAsLong();
    boolean watchingWhenSent = watching.getAsBoolean();
    try {
      read.run();
      if (!watchingWhenSent || !watching.getAsBoolean()) {
        return;
      }
      confirmedAtNanos = Math.max(confirmedAtNanos, sentAt);
      if (reportedStale) {
        reportedStale = false;
        log.info("the API server answers again");
      }
    } catch (RuntimeException e) {
      log.debug("freshness probe failed: {}", e.getClass().getSimpleName());
    } finally {
      probing.set(false);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
