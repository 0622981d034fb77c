package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void blocksAfterTheLimitUntilTheWindowEnds() {
    FailedAttempts failures = new FailedAttempts(3, 100, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(failures.retryAfterSeconds("a")).isZero();
      failures.recordFailure("a");
    }
    assertThat(failures.retryAfterSeconds("a")).isEqualTo(60);
    assertThat(failures.retryAfterSeconds("b")).isZero();
    clock.advance(Duration.ofSeconds(45));
    assertThat(failures.retryAfterSeconds("a")).isEqualTo(15);
    clock.advance(Duration.ofSeconds(15));
    assertThat(failures.retryAfterSeconds("a")).isZero();
    failures.recordFailure("a");
    assertThat(failures.retryAfterSeconds("a")).isZero();
  }

  @Test
  void theTableIsBounded() {
    FailedAttempts failures = new FailedAttempts(3, 10, clock);
    for (int i = 0; i < 100; i++) {
      failures.recordFailure("client-" + i);
    }
    assertThat(failures.size()).isEqualTo(10);
    clock.advance(Duration.ofMinutes(2));
    failures.recordFailure("late");
    assertThat(failures.size()).isEqualTo(1);
  }
}
