package io.aideploy.gateway;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether the index can be trusted: every informer has synced, and none has been without its watch
 * for longer than a grace period. A watch that is down means revocations are not arriving, so after
 * the grace period the gateway answers 503 (and /readyz fails, taking the replica out of service)
 * rather than keep accepting tokens that may have been revoked. The grace period covers the short
 * gaps of routine watch restarts.
 */
final class InformerHealth {
  static final long GRACE_NANOS = 30_000_000_000L;

  private final List<SharedIndexInformer<?>> informers;
  private final LongSupplier nanoTime;
  private final long graceNanos;
  private volatile long notWatchingSince = Long.MIN_VALUE;

  InformerHealth(List<SharedIndexInformer<?>> informers, LongSupplier nanoTime, long graceNanos) {
    this.informers = List.copyOf(informers);
    this.nanoTime = nanoTime;
    this.graceNanos = graceNanos;
  }

  boolean isUsable() {
    boolean watching = true;
    for (SharedIndexInformer<?> informer : informers) {
      if (!informer.hasSynced()) {
        return false;
      }
      watching &= informer.isWatching();
    }
    if (watching) {
      notWatchingSince = Long.MIN_VALUE;
      return true;
    }
    long now = nanoTime.getAsLong();
    long since = notWatchingSince;
    if (since == Long.MIN_VALUE) {
      notWatchingSince = now;
      return true;
    }
    return now - since < graceNanos;
  }
}
