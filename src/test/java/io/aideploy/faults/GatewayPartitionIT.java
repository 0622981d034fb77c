package io.aideploy.faults;

import static org.awaitility.Awaitility.await;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import io.aideploy.testing.faults.GroundTruth;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway cut from the API server by a silent partition (its forwarder freezes: connections
 * stay open, no byte passes) while regenerations, deletions, expiries and label changes go on
 * through the healthy path it cannot see: not one revoked pair is allowed past the staleness bound,
 * /readyz fails within it, and the gateway decides again once the partition heals.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayPartitionIT {
  @Test
  void revocationsItCannotSeeAreNeverAllowedPastTheBound(LocalControlPlane.Cluster cluster)
      throws Exception {
    try (FaultScenario scenario =
        FaultScenario.start(
            cluster, "fault-partition", FaultScenario.Options.defaults().withForwarder())) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(
          () -> {
            scenario.forwarder().freeze();
            await()
                .atMost(GroundTruth.REVOCATION_BOUND.plusSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !scenario.isGatewayReady());
            scenario.run(Duration.ofSeconds(3));
            scenario.forwarder().thaw();
          });
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
