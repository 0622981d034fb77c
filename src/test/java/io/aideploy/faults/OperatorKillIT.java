package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator killed with SIGKILL while regenerations, deletions and new tokens keep coming, and
 * started again: the gateway keeps deciding from what was published, the restarted operator serves
 * every pending request within the documented time, and regenerates, loses or duplicates no value.
 */
@ExtendWith(LocalControlPlane.class)
class OperatorKillIT {
  @Test
  void aRestartedOperatorServesWhatWasPendingAndRegeneratesNothingElse(
      LocalControlPlane.Cluster cluster) throws Exception {
    try (FaultScenario scenario =
        FaultScenario.start(cluster, "fault-operator", FaultScenario.Options.defaults())) {
      scenario.run(Duration.ofSeconds(3));
      scenario.fault(
          () -> {
            scenario.operators().get(0).kill();
            scenario.run(Duration.ofSeconds(5));
            scenario.operators().get(0).start();
          });
      System.err.println(
          "pending changes applied "
              + scenario.awaitPendingApplied(FaultScenario.PENDING_BOUND)
              + " after the operator started again");
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(3));
      scenario.finishSafely();
    }
  }
}
