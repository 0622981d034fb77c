package io.aideploy.testing.faults;

import io.aideploy.testing.faults.GroundTruth.Probe;
import io.aideploy.testing.faults.GroundTruth.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The count of every verdict, the wrong-deny windows, the time to recover after a fault heals, and
 * the latency of the answers (for the soak's per-minute figures).
 *
 * <p>A wrong-deny window of a (token, app) pair runs from its first wrong deny to the next answer
 * for that pair that is not wrong (503s and no-answers do not end it). Recovery after {@link
 * #healed} is the time from the heal to the start of the first run of right answers that shows it
 * recovered (see {@link #steadyFor}): later stray wrong denies are counted as such, not as a slow
 * recovery.
 */
public final class Tally {
  private static final int MAX_DETAILS = 20;

  private final Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
  private final Map<String, Long> wrongDenySince = new HashMap<>();
  private final List<String> wrongAllows = new ArrayList<>();
  private long longestWrongDenyNanos;
  private long healedAt = Long.MIN_VALUE;
  private long firstAnsweredAt = Long.MIN_VALUE;
  private long lastAnsweredAt = Long.MIN_VALUE;
  private long lastBadAt = Long.MIN_VALUE;
  private long rightAllowsSinceLastBad;
  private long recoveredAt = Long.MIN_VALUE;
  private long[] latencies = new long[1024];
  private int latencyCount;

  public synchronized void record(
      Probe probe, Verdict verdict, long sentAt, long answeredAt, String wrongAllowDetail) {
    counts.merge(verdict, 1L, Long::sum);
    if (firstAnsweredAt == Long.MIN_VALUE) {
      firstAnsweredAt = answeredAt;
    }
    lastAnsweredAt = Math.max(lastAnsweredAt, answeredAt);
    String pair = probe.token() + " -> " + probe.app();
    switch (verdict) {
      case WRONG_ALLOW -> {
        if (wrongAllows.size() < MAX_DETAILS) {
          wrongAllows.add(wrongAllowDetail);
        }
      }
      case WRONG_DENY -> wrongDenySince.putIfAbsent(pair, sentAt);
      // A 503 or no answer does not end a window: the pair is still not allowed.
      case UNAVAILABLE, NO_ANSWER -> {}
      default -> closeWindow(pair, sentAt);
    }
    boolean bad =
        verdict == Verdict.WRONG_DENY
            || verdict == Verdict.UNAVAILABLE
            || verdict == Verdict.NO_ANSWER;
    if (bad) {
      lastBadAt = Math.max(lastBadAt, answeredAt);
      rightAllowsSinceLastBad = 0;
    } else if (verdict == Verdict.RIGHT_ALLOW) {
      rightAllowsSinceLastBad++;
    }
    if (verdict != Verdict.NO_ANSWER) {
      if (latencyCount == latencies.length) {
        latencies = java.util.Arrays.copyOf(latencies, latencyCount * 2);
      }
      latencies[latencyCount++] = answeredAt - sentAt;
    }
  }

  private void closeWindow(String pair, long at) {
    Long since = wrongDenySince.remove(pair);
    if (since != null) {
      longestWrongDenyNanos = Math.max(longestWrongDenyNanos, at - since);
    }
  }

  /** The fault is over (the process is back, the partition healed) as of now. */
  public synchronized void healed() {
    healedAt = System.nanoTime();
    recoveredAt = Long.MIN_VALUE;
  }

  /**
   * Whether the judged answers end with at least {@code quiet} and {@code minAllows} right allows
   * since the last bad one: the product has recovered.
   */
  public synchronized boolean steadyFor(Duration quiet, int minAllows) {
    if (lastAnsweredAt == Long.MIN_VALUE) {
      return false;
    }
    // The horizon is the last judged answer, not now: answers are judged a few seconds late.
    // And after the heal, if there was one: answers before it say nothing about recovery.
    long since = Math.max(lastBadAt == Long.MIN_VALUE ? firstAnsweredAt : lastBadAt, healedAt);
    boolean steady =
        lastAnsweredAt - since >= quiet.toNanos() && rightAllowsSinceLastBad >= minAllows;
    if (steady && healedAt != Long.MIN_VALUE && recoveredAt == Long.MIN_VALUE) {
      recoveredAt = since;
    }
    return steady;
  }

  /**
   * From the heal to the start of the first steady run of right answers after it (the last bad
   * answer before that run, or the heal itself); zero before any.
   */
  public synchronized Duration recovery() {
    if (healedAt == Long.MIN_VALUE || recoveredAt == Long.MIN_VALUE) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(recoveredAt - healedAt);
  }

  public synchronized long count(Verdict verdict) {
    return counts.getOrDefault(verdict, 0L);
  }

  /** Every answer judged, no-answers excluded. */
  public synchronized long decisions() {
    return counts.entrySet().stream()
        .filter(e -> e.getKey() != Verdict.NO_ANSWER)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  public synchronized List<String> wrongAllowDetails() {
    return List.copyOf(wrongAllows);
  }

  /** The longest wrong-deny window, counting those still open as lasting until now. */
  public synchronized Duration longestWrongDeny() {
    long now = System.nanoTime();
    long longest = longestWrongDenyNanos;
    for (long since : wrongDenySince.values()) {
      longest = Math.max(longest, now - since);
    }
    return Duration.ofNanos(longest);
  }

  /** The p50, p99 and max latency of the answers since the last call, and forgets them. */
  public synchronized Duration[] drainLatencies() {
    long[] sorted = java.util.Arrays.copyOf(latencies, latencyCount);
    latencyCount = 0;
    java.util.Arrays.sort(sorted);
    if (sorted.length == 0) {
      return new Duration[] {Duration.ZERO, Duration.ZERO, Duration.ZERO};
    }
    return new Duration[] {
      Duration.ofNanos(sorted[sorted.length / 2]),
      Duration.ofNanos(sorted[(int) Math.min(sorted.length - 1, sorted.length * 99L / 100)]),
      Duration.ofNanos(sorted[sorted.length - 1])
    };
  }

  @Override
  public synchronized String toString() {
    return counts.toString();
  }
}
