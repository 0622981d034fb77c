package io.aideploy.testing.faults;

import static org.awaitility.Awaitility.await;

import io.aideploy.testing.AideployProcess;
import io.aideploy.testing.ControlPlaneFaults;
import io.aideploy.testing.LocalControlPlane;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Every fault the product is tested against, each as a break-and-heal under a {@link
 * FaultScenario}: the {@code *IT} classes of {@code io.aideploy.faults} run each one short, and
 * {@code bench/faults} runs them longer. {@code hold} is how long the fault lasts where that is the
 * test's choice.
 */
public enum Fault {
  /** kube-apiserver killed (SIGKILL) and started again after {@code hold}. */
  API_SERVER_KILL(FaultScenario.Options.defaults()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      controlPlane.killAndRestartApiServer(hold);
    }
  },

  /** etcd killed (SIGKILL) and started again on its data after {@code hold}. */
  ETCD_RESTART(FaultScenario.Options.defaults()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      controlPlane.killAndRestartEtcd(hold);
    }
  },

  /**
   * kube-apiserver paused (SIGSTOP) until the gateway has failed closed (/readyz failing, within
   * the staleness bound), then {@code hold} more, then resumed.
   */
  API_SERVER_PAUSE(FaultScenario.Options.defaults()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      controlPlane.pauseApiServer();
      awaitFailedClosed(scenario);
      scenario.run(hold);
      controlPlane.resumeApiServer();
    }
  },

  /**
   * The gateway's way to the API server frozen (a silent partition) while the churn goes on through
   * the healthy path, until the gateway has failed closed, then {@code hold} more.
   */
  GATEWAY_PARTITION(FaultScenario.Options.defaults().withForwarder()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      scenario.forwarder().freeze();
      awaitFailedClosed(scenario);
      scenario.run(hold);
      scenario.forwarder().thaw();
    }
  },

  /** The gateway process killed (SIGKILL) and started again after {@code hold}. */
  GATEWAY_KILL(FaultScenario.Options.defaults()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      scenario.gateway().kill();
      scenario.run(hold);
      scenario.gateway().start();
    }
  },

  /**
   * The operator process killed (SIGKILL) and started again after {@code hold}; then every request
   * left pending must be served within {@link FaultScenario#PENDING_BOUND}.
   */
  OPERATOR_KILL(FaultScenario.Options.defaults()) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
      scenario.operators().get(0).kill();
      scenario.run(hold);
      scenario.operators().get(0).start();
      System.err.println(
          "pending changes served "
              + scenario.awaitPendingApplied(FaultScenario.PENDING_BOUND)
              + " after the operator started again");
    }
  },

  /**
   * The leader of two operator replicas killed (SIGKILL: the lease is not released): the standby
   * must hold the lease within {@link #FAILOVER_BOUND} and serve every pending request.
   */
  LEADER_KILL(FaultScenario.Options.defaults().withOperators(2)) {
    @Override
    void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold) {
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
      long killedAt = System.nanoTime();
      leading.kill();
      await()
          .atMost(FAILOVER_BOUND)
          .ignoreExceptions()
          .alias("the standby holds the lease")
          .until(() -> lease.get().getSpec().getHolderIdentity(), h -> !leader.equals(h));
      System.err.printf(
          "failover: the standby holds the lease %d ms after the leader was killed%n",
          (System.nanoTime() - killedAt) / 1_000_000);
      System.err.println(
          "pending changes served "
              + scenario.awaitPendingApplied(FaultScenario.PENDING_BOUND)
              + " after the failover");
    }
  };

  /** docs/faults.md: the lease (15 s), then the standby's next try (every 2 s), with room. */
  public static final Duration FAILOVER_BOUND = Duration.ofSeconds(25);

  private final FaultScenario.Options options;

  Fault(FaultScenario.Options options) {
    this.options = options;
  }

  abstract void inject(FaultScenario scenario, ControlPlaneFaults controlPlane, Duration hold);

  /**
   * Runs the scenario: steady load and churn, the fault, the wait for recovery (at most {@link
   * FaultScenario#RECOVERY_BOUND}), {@code after} more, and the final audit. With {@code
   * assertSafe} the report is checked (0 wrong allows, no value lost, regenerated or duplicated).
   */
  public FaultReport run(
      LocalControlPlane.Cluster cluster, Duration hold, Duration after, boolean assertSafe)
      throws IOException {
    String name = "fault-" + name().toLowerCase().replace('_', '-');
    try (FaultScenario scenario = FaultScenario.start(cluster, name, options);
        ControlPlaneFaults controlPlane = new ControlPlaneFaults(cluster)) {
      scenario.run(Duration.ofSeconds(1));
      scenario.fault(() -> inject(scenario, controlPlane, hold));
      scenario.awaitRecovered(FaultScenario.RECOVERY_BOUND);
      scenario.run(after);
      return assertSafe ? scenario.finishSafely() : scenario.finish();
    }
  }

  /** Evidence that the gateway failed closed: /readyz fails, within the staleness bound. */
  private static void awaitFailedClosed(FaultScenario scenario) {
    await()
        .atMost(GroundTruth.REVOCATION_BOUND.plusSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .alias("/readyz fails within the staleness bound")
        .until(() -> !scenario.isGatewayReady());
  }
}
