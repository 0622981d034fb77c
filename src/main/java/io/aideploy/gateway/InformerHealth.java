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
 *
 * <p>Asked on every request, so the answer is kept for {@link #RECHECK_NANOS}: asking the informers
 * costs a few percent of the gateway's throughput, and 10 ms are nothing next to the grace period.
 */
final class InformerHealth {
  static final long GRACE_NANOS = 30_000_000_000L;
  static final long RECHECK_NANOS = 10_000_000L;

  private final List<SharedIndexInformer<?>> informers;
  private final LongSupplier nanoTime;
  private final long graceNanos;
  private volatile long notWatchingSince = Long.MIN_VALUE;
  private volatile Answer last;

  /** An answer and when it was given. */
  private record Answer(long atNanos, boolean usable) {}

  InformerHealth(List<SharedIndexInformer<?>> informers, LongSupplier nanoTime, long graceNanos) {
    this.informers = List.copyOf(informers);
    this.nanoTime = nanoTime;
    this.graceNanos = graceNanos;
  }

  boolean isUsable() {
    long now = nanoTime.getAsLong();
    Answer answer = last;
    if (answer == null || now - answer.atNanos() >= RECHECK_NANOS) {
      answer = new Answer(now, check(now));
      last = answer;
    }
    return answer.usable();
  }

  private boolean check(long now) {
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
    long since = notWatchingSince;
    if (since == Long.MIN_VALUE) {
      notWatchingSince = now;
      return true;
    }
    return now - since < graceNanos;
  }
}
