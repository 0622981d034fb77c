package io.aideploy.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.faults.GroundTruth.Probe;
import io.aideploy.testing.faults.GroundTruth.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker's rule for a value replaced with a grace period: allowed until the status's {@code
 * previousValueValidUntil}, refused from then on once the gateway knows of the replacement.
 */
class GroundTruthTest {
  /** The checker's monotonic instants, in seconds from an arbitrary origin. */
  private static final long ORIGIN = 1_000_000_000_000L;

  /** The wall-clock end of the grace; the replacement is published at second 100. */
  private static final Instant DEADLINE = Instant.parse("2026-12-03T12:00:03Z");

  private final GroundTruth truth = new GroundTruth();
  private final String previous = TokenValue.generate();
  private final String current = TokenValue.generate();

  @BeforeEach
  void aTokenRegeneratedWithGrace() {
    truth.appCreated("app", "uid", "a", at(0));
    truth.tokenCreated("token", "a", null);
    truth.tokenStatus("token", TokenValue.hash(previous), null, null, null, false, at(0));
    truth.secretValue("token", previous);
    truth.tokenStatus(
        "token",
        TokenValue.hash(current),
        "churn-1",
        TokenValue.hash(previous),
        DEADLINE.toString(),
        false,
        at(100));
    truth.secretValue("token", current);
  }

  @Test
  void anAllowOfThePreviousValueWithinTheGraceIsRight() {
    assertThat(judge(previous, 101, wall(-2), 200)).isEqualTo(Verdict.RIGHT_ALLOW);
    assertThat(truth.graceAllows()).isEqualTo(1);
  }

  @Test
  void aRefusalOfThePreviousValueWithinTheGraceIsAWrongDeny() {
    assertThat(judge(previous, 101, wall(-2), 401)).isEqualTo(Verdict.WRONG_DENY);
  }

  @Test
  void anAllowSentAfterTheDeadlineByAGatewayThatHeldTheNewValueIsAWrongAllow() {
    assertThat(judge(current, 101.5, wall(-1.5), 200)).isEqualTo(Verdict.RIGHT_ALLOW);

    assertThat(judge(previous, 103.1, wall(0.1), 200)).isEqualTo(Verdict.WRONG_ALLOW);
    assertThat(judge(previous, 103.2, wall(0.2), 401)).isEqualTo(Verdict.RIGHT_DENY);
    assertThat(truth.graceRefusals()).isEqualTo(1);
  }

  @Test
  void aRequestInFlightAcrossTheDeadlineMayGoEitherWay() {
    assertThat(judge(current, 101.5, wall(-1.5), 200)).isEqualTo(Verdict.RIGHT_ALLOW);

    // Sent 1 ms before the deadline, answered 1 ms after it.
    assertThat(judgeInFlight(previous, 102.999, wall(-0.001), 103.001, wall(0.001), 200))
        .isEqualTo(Verdict.TRANSITION);
    assertThat(judgeInFlight(previous, 102.999, wall(-0.001), 103.001, wall(0.001), 401))
        .isEqualTo(Verdict.TRANSITION);
  }

  @Test
  void aGatewayNotShownToHoldTheNewValueIsHeldToTheStalenessBoundOnly() {
    // It may not have seen the regeneration yet: the old value is its current one.
    assertThat(judge(previous, 105, wall(2), 200)).isEqualTo(Verdict.TRANSITION);
    // The replacement is as old as the staleness bound: it must know by now.
    assertThat(judge(previous, 110, wall(7), 200)).isEqualTo(Verdict.WRONG_ALLOW);
  }

  @Test
  void aSecondRegenerationEndsTheGraceAtOnce() {
    String third = TokenValue.generate();
    truth.tokenStatus("token", TokenValue.hash(third), "churn-2", null, null, false, at(101));
    truth.secretValue("token", third);

    // Before the deadline by the wall clock, but the grace ended with the second regeneration.
    assertThat(judge(previous, 101.5, wall(-1.5), 200)).isEqualTo(Verdict.TRANSITION);
    assertThat(judge(previous, 111, wall(-1), 200)).isEqualTo(Verdict.WRONG_ALLOW);
  }

  private Verdict judge(String value, double sentSecond, Instant sentWall, int status) {
    return judgeInFlight(
        value, sentSecond, sentWall, sentSecond + 0.01, sentWall.plusMillis(10), status);
  }

  private Verdict judgeInFlight(
      String value,
      double sentSecond,
      Instant sentWall,
      double answeredSecond,
      Instant answeredWall,
      int status) {
    return truth.judge(
        new Probe("token", value, "app", "uid"),
        at(sentSecond),
        sentWall,
        at(answeredSecond),
        answeredWall,
        status);
  }

  private static long at(double second) {
    return ORIGIN + (long) (second * 1e9);
  }

  /** The wall clock {@code seconds} after the deadline. */
  private static Instant wall(double seconds) {
    return DEADLINE.plus(Duration.ofNanos((long) (seconds * 1e9)));
  }
}
