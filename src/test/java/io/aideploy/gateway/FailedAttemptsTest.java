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
  void endedWindowsAreDroppedWhenLookedUp() {
    FailedAttempts failures = new FailedAttempts(3, 100, clock);
    failures.recordFailure("198.51.100.1");
    failures.recordFailure("198.51.100.2");
    clock.advance(FailedAttempts.WINDOW);
    assertThat(failures.retryAfterSeconds("198.51.100.1")).isZero();
    assertThat(failures.size()).isEqualTo(1);
  }

  @Test
  void aFullTableDropsTheClientTouchedLeastRecently() {
    int max = 100_000;
    FailedAttempts failures = new FailedAttempts(1, max, clock);
    for (int i = 0; i < max; i++) {
      failures.recordFailure(ipv4(i));
    }
    assertThat(failures.size()).isEqualTo(max);
    // Touch the oldest so that the second oldest becomes the eldest.
    assertThat(failures.retryAfterSeconds(ipv4(0))).isEqualTo(60);

    failures.recordFailure("203.0.113.1");

    assertThat(failures.size()).isEqualTo(max);
    assertThat(failures.retryAfterSeconds("203.0.113.1")).isEqualTo(60);
    assertThat(failures.retryAfterSeconds(ipv4(0))).isEqualTo(60);
    assertThat(failures.retryAfterSeconds(ipv4(1))).isZero(); // evicted
    assertThat(failures.retryAfterSeconds(ipv4(2))).isEqualTo(60);
  }

  @Test
  void ipv6ClientsInOneSlash64ShareABucket() {
    FailedAttempts failures = new FailedAttempts(2, 100, clock);
    failures.recordFailure("2001:db8:1:2::1");
    failures.recordFailure("2001:db8:1:2:ffff:ffff:ffff:fffe");
    assertThat(failures.retryAfterSeconds("2001:db8:1:2:abcd::9")).isEqualTo(60);
    assertThat(failures.size()).isEqualTo(1);
  }

  @Test
  void ipv6ClientsInOtherSlash64sDoNot() {
    FailedAttempts failures = new FailedAttempts(2, 100, clock);
    failures.recordFailure("2001:db8:1:2::1");
    failures.recordFailure("2001:db8:1:3::1");
    assertThat(failures.retryAfterSeconds("2001:db8:1:2::1")).isZero();
    assertThat(failures.retryAfterSeconds("2001:db8:1:3::1")).isZero();
    assertThat(failures.size()).isEqualTo(2);
  }

  @Test
  void ipv4MappedIpv6IsTheIpv4Client() {
    FailedAttempts failures = new FailedAttempts(2, 100, clock);
    failures.recordFailure("::ffff:198.51.100.7");
    failures.recordFailure("198.51.100.7");
    assertThat(failures.retryAfterSeconds("198.51.100.7")).isEqualTo(60);
    // Not grouped by /64 with the rest of ::ffff:0:0/96, which is all of IPv4.
    assertThat(failures.retryAfterSeconds("::ffff:198.51.100.8")).isZero();
  }

  private static String ipv4(int i) {
    return "10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF);
  }
}
