package io.aideploy.faults;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * etcd killed with SIGKILL under load and churn, and started again on its data 3 s later: the API
 * server answers errors meanwhile; the gateway never allows a revoked pair and decides again within
 * the documented time; no token value is lost, regenerated or duplicated.
 */
@ExtendWith(LocalControlPlane.class)
class EtcdRestartIT {
  @Test
  void noWrongAllowAndNoValueLostWhileEtcdRestarts(LocalControlPlane.Cluster cluster)
      throws Exception {
    Fault.ETCD_RESTART.run(cluster, Duration.ofSeconds(3), Duration.ofSeconds(1), true);
  }
}
