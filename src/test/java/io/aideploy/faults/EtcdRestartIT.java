package io.aideploy.faults;

import io.aideploy.testing.ControlPlaneFaults;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * etcd killed with SIGKILL under load and churn, and started again on its data: the API server
 * answers errors meanwhile; the gateway never allows a revoked pair and decides again within the
 * documented time; no token value is lost, regenerated or duplicated.
 */
@ExtendWith(LocalControlPlane.class)
class EtcdRestartIT {
  @Test
  void noWrongAllowAndNoValueLostWhileEtcdRestarts(LocalControlPlane.Cluster cluster)
      throws Exception {
    try (FaultScenario scenario =
            FaultScenario.start(cluster, "fault-etcd", FaultScenario.Options.defaults());
        ControlPlaneFaults faults = new ControlPlaneFaults(cluster)) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(() -> faults.killAndRestartEtcd(Duration.ofSeconds(3)));
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
