package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver paused (SIGSTOP: its connections stay open, nothing comes out) beyond the
 * gateway's staleness bound, under load and churn: the gateway stops deciding (503, /readyz
 * failing) within the bound, never allows a revoked pair, and decides again once the API server is
 * resumed.
 */
@ExtendWith(LocalControlPlane.class)
class ApiServerPauseIT {
  @Test
  void theGatewayStopsDecidingWithinTheBoundAndResumes(LocalControlPlane.Cluster cluster)
      throws Exception {
    Fault.API_SERVER_PAUSE.run(cluster, Duration.ofSeconds(2), Duration.ofSeconds(1), true);
  }
}
