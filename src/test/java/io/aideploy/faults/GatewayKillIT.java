package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway process killed with SIGKILL under load and started again 2 s later, as Kubernetes
 * restarts a container: requests meanwhile get no answer (never an allow), and the new process
 * decides right from its first answer, within the documented time.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayKillIT {
  @Test
  void aRestartedGatewayDecidesRightFromItsFirstAnswer(LocalControlPlane.Cluster cluster)
      throws Exception {
    Fault.GATEWAY_KILL.run(cluster, Duration.ofSeconds(2), Duration.ofSeconds(1), true);
  }
}
