package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver killed with SIGKILL under load and churn, and started again 5 s later: the gateway
 * fails closed while it cannot see the API server, never allows a revoked pair, and decides again
 * within the documented time; the operator loses and regenerates no value.
 */
@ExtendWith(LocalControlPlane.class)
class ApiServerKillIT {
  @Test
  void theGatewayFailsClosedAndRecoversAndNoValueIsLost(LocalControlPlane.Cluster cluster)
      throws Exception {
    Fault.API_SERVER_KILL.run(cluster, Duration.ofSeconds(5), Duration.ofSeconds(1), true);
  }
}
