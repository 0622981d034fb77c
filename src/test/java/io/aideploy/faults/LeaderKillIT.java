package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator replicas with leader election; the leader killed with SIGKILL (it cannot release its
 * lease) under load and churn: the standby holds the lease within the documented failover time and
 * serves every pending request; no value is regenerated, lost or duplicated.
 */
@ExtendWith(LocalControlPlane.class)
class LeaderKillIT {
  @Test
  void theStandbyTakesOverWithinTheLeaseAndRegeneratesNothing(LocalControlPlane.Cluster cluster)
      throws Exception {
    Fault.LEADER_KILL.run(cluster, Duration.ofSeconds(0), Duration.ofSeconds(1), true);
  }
}
