package io.aideploy.faults;

import io.aideploy.testing.ControlPlaneFaults;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver killed with SIGKILL under load and churn, and started again: the gateway fails
 * closed while it cannot see the API server, never allows a revoked pair, and decides again within
 * the documented time; the operator loses and regenerates no value.
 */
@ExtendWith(LocalControlPlane.class)
class ApiServerKillIT {
  @Test
  void theGatewayFailsClosedAndRecoversAndNoValueIsLost(LocalControlPlane.Cluster cluster)
      throws Exception {
    try (FaultScenario scenario =
            FaultScenario.start(cluster, "fault-apiserver", FaultScenario.Options.defaults());
        ControlPlaneFaults faults = new ControlPlaneFaults(cluster)) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(() -> faults.killAndRestartApiServer(Duration.ofSeconds(3)));
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
