package io.aideploy.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

/**
 * What a fault scenario measured: the checker's counts and the audit of the token values.
 *
 * @param decisions answers judged (every HTTP answer; no-answers apart)
 * @param wrongAllows allows of a pair that had to be refused (must be 0)
 * @param longestWrongDeny the longest time a pair that should have been allowed was refused
 * @param unavailable 503 answers
 * @param noAnswer connections refused, timeouts
 * @param recovery from the heal to the last 503 / no answer / wrong deny
 * @param graceAllows right allows of a replaced value within its grace period
 * @param graceRefusals right refusals of a replaced value sent after its grace period ended
 * @param spuriousRegenerations new values nobody asked for (restarts, failovers: must be 0)
 * @param changedStableTokens tokens never touched whose value or hash changed (must be none)
 * @param duplicateSecrets token Secrets beyond one per AiToken (must be 0)
 * @param settled from the end of the churn until every live token's Secret held the value its
 *     status published and every regenerate request was served
 * @param unconvergedPairs (token, app) pairs the gateway still answered against the API server's
 *     state once everything had settled (must be none)
 */
public record FaultReport(
    String scenario,
    Duration loadTime,
    long decisions,
    long wrongAllows,
    List<String> wrongAllowDetails,
    long wrongDenies,
    Duration longestWrongDeny,
    long unavailable,
    long noAnswer,
    Duration recovery,
    long changes,
    long failedWrites,
    long graceAllows,
    long graceRefusals,
    int spuriousRegenerations,
    List<String> spuriousDetails,
    List<String> changedStableTokens,
    int duplicateSecrets,
    Duration settled,
    List<String> unconvergedPairs) {

  /** 0 wrong allows, no value lost, regenerated or duplicated. */
  public void assertSafe() {
    assertThat(wrongAllows).as("wrong allows: %s", wrongAllowDetails).isZero();
    assertThat(spuriousRegenerations)
        .as("regenerations nobody asked for: %s", spuriousDetails)
        .isZero();
    assertThat(changedStableTokens).as("untouched tokens whose value changed").isEmpty();
    assertThat(duplicateSecrets).as("token Secrets beyond one per AiToken").isZero();
    assertThat(decisions).as("decisions checked").isPositive();
    assertThat(unconvergedPairs)
        .as("pairs the gateway still answers against the API server's state, after settling")
        .isEmpty();
  }

  /** One row of the benchmark table (docs/benchmarks.md). */
  public String row() {
    return String.format(
        "| %s | %.0f s, %.0f req/s, %d changes (%d failed) | %d | %d | %d / %.1f s | %d / %d | %.1f s | %.1f s |",
        scenario,
        loadTime.toMillis() / 1000.0,
        decisions * 1000.0 / Math.max(1, loadTime.toMillis()),
        changes,
        failedWrites,
        decisions,
        wrongAllows,
        // wrong denies and the longest window
        wrongDenies,
        longestWrongDeny.toMillis() / 1000.0,
        unavailable,
        noAnswer,
        recovery.toMillis() / 1000.0,
        settled.toMillis() / 1000.0);
  }

  public static String header() {
    return "| scenario | load | decisions checked | wrong allows | wrong denies / longest window"
        + " | 503 / no answer | recovery after heal | settled |\n|---|---|---|---|---|---|---|---|";
  }
}
