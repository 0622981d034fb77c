package io.aideploy.faults;

import static org.awaitility.Awaitility.await;

import io.aideploy.testing.ControlPlaneFaults;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import io.aideploy.testing.faults.GroundTruth;
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
    try (FaultScenario scenario =
            FaultScenario.start(cluster, "fault-pause", FaultScenario.Options.defaults());
        ControlPlaneFaults faults = new ControlPlaneFaults(cluster)) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(
          () -> {
            faults.pauseApiServer();
            // Evidence that it failed closed: /readyz fails, within the bound (and some slack for
            // the probe's own interval).
            await()
                .atMost(GroundTruth.REVOCATION_BOUND.plusSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !scenario.isGatewayReady());
            scenario.run(Duration.ofSeconds(2));
            faults.resumeApiServer();
          });
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
