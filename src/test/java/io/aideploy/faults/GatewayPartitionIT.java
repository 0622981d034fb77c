package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
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
    Fault.GATEWAY_PARTITION.run(cluster, Duration.ofSeconds(3), Duration.ofSeconds(1), true);
  }
}
