package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway process killed with SIGKILL under load and started again, as Kubernetes restarts a
 * container: requests meanwhile get no answer (never an allow), and the new process decides right
 * from its first answer, within the documented time.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayKillIT {
  @Test
  void aRestartedGatewayDecidesRightFromItsFirstAnswer(LocalControlPlane.Cluster cluster)
      throws Exception {
    try (FaultScenario scenario =
        FaultScenario.start(cluster, "fault-gateway", FaultScenario.Options.defaults())) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(
          () -> {
            scenario.gateway().kill();
            scenario.run(Duration.ofSeconds(2));
            scenario.gateway().start();
          });
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
