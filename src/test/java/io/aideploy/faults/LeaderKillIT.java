package io.aideploy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.AideployProcess;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.FaultScenario;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator replicas with leader election; the leader killed with SIGKILL (it cannot release its
 * lease) under load and churn: the standby holds the lease within the documented failover time and
 * serves every pending request; no value is regenerated, lost or duplicated.
 */
@ExtendWith(LocalControlPlane.class)
class LeaderKillIT {
  /** docs/faults.md: lease 15 s, then the standby's next try (every 2 s), with room. */
  static final Duration FAILOVER_BOUND = Duration.ofSeconds(25);

  @Test
  void theStandbyTakesOverWithinTheLeaseAndRegeneratesNothing(LocalControlPlane.Cluster cluster)
      throws Exception {
    try (FaultScenario scenario =
        FaultScenario.start(
            cluster, "fault-leader", FaultScenario.Options.defaults().withOperators(2))) {
      var lease =
          scenario
              .client()
              .leases()
              .inNamespace(scenario.namespace())
              .withName("aideploy-operator");
      String leader =
          await()
              .atMost(FAILOVER_BOUND)
              .ignoreExceptions()
              .until(() -> lease.get().getSpec().getHolderIdentity(), Objects::nonNull);
      AideployProcess leading =
          scenario.operators().stream()
              .filter(p -> p.output().contains("as " + leader))
              .findFirst()
              .orElseThrow();
      scenario.run(Duration.ofSeconds(3));
      long killedAt = System.nanoTime();
      scenario.fault(leading::kill);
      await()
          .atMost(FAILOVER_BOUND)
          .ignoreExceptions()
          .until(() -> lease.get().getSpec().getHolderIdentity(), h -> !leader.equals(h));
      System.err.printf(
          "failover: the standby holds the lease %d ms after the leader was killed%n",
          (System.nanoTime() - killedAt) / 1_000_000);
      System.err.println(
          "pending changes applied "
              + scenario.awaitPendingApplied(FaultScenario.PENDING_BOUND)
              + " after the failover");
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(Duration.ofSeconds(2));
      scenario.finishSafely();
      assertThat(scenario.operators().stream().filter(AideployProcess::isAlive).count())
          .as("the standby still runs")
          .isEqualTo(1);
    }
  }
}
