package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ApiFreshnessTest {
  private static final long BOUND = ApiFreshness.MAX_STALENESS_NANOS;

  private final AtomicLong nanos = new AtomicLong(0);
  private final AtomicBoolean answers = new AtomicBoolean(true);
  private final AtomicBoolean watching = new AtomicBoolean(true);
  private final ApiFreshness freshness =
      new ApiFreshness(
          () -> {
            if (!answers.get()) {
              throw new IllegalStateException("no answer");
            }
          },
          watching::get,
          nanos::get,
          BOUND);

  @Test
  void staleOnceNoReadHasComeBackForTheBound() {
    nanos.set(5);
    freshness.probe();
    answers.set(false);
    nanos.set(5 + BOUND - 1);
    freshness.probe();
    assertThat(freshness.isFresh()).isTrue();
    nanos.set(5 + BOUND);
    assertThat(freshness.isFresh()).isFalse();
    answers.set(true);
    freshness.probe();
    assertThat(freshness.isFresh()).isTrue();
  }

  /**
   * An API server that answers while a watch is down (restarted, the watch not yet back) proves
   * nothing about the changes the watch would bring. Seen failing with the watch check removed: the
   * last assertion found the gateway fresh.
   */
  @Test
  void aReadAnsweredWhileAWatchIsDownDoesNotCount() {
    nanos.set(5);
    freshness.probe();
    watching.set(false);
    for (long at = 5; at <= 5 + BOUND; at += BOUND / 5) {
      nanos.set(at);
      freshness.probe();
    }
    assertThat(freshness.isFresh()).isFalse();
    watching.set(true);
    freshness.probe();
    assertThat(freshness.isFresh()).isTrue();
  }
}
