package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator killed with SIGKILL while regenerations, deletions and new tokens keep coming, and
 * started again 5 s later: the gateway keeps deciding from what was published, the restarted
 * operator serves every pending request within the documented time, and regenerates, loses or
 * duplicates no value.
 */
@ExtendWith(LocalControlPlane.class)
class OperatorKillIT {
  @Test
  void aRestartedOperatorServesWhatWasPendingAndRegeneratesNothingElse(
      LocalControlPlane.Cluster cluster) throws Exception {
    Fault.OPERATOR_KILL.run(cluster, Duration.ofSeconds(5), Duration.ofSeconds(1), true);
  }
}
