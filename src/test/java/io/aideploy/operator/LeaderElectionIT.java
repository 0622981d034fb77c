package io.aideploy.operator;

import static io.aideploy.operator.OperatorCommandIT.applyApp;
import static io.aideploy.operator.OperatorCommandIT.awaitChildren;
import static io.aideploy.operator.OperatorCommandIT.start;
import static io.aideploy.operator.OperatorCommandIT.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator replicas with leader election, and nothing else: no other operator runs while this
 * class does, so the app applied after the leader stops can only have been reconciled by the
 * replica that took the lease over.
 */
@ExtendWith(LocalControlPlane.class)
class LeaderElectionIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void replicasWithLeaderElectionShareOneLease(
      LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    String namespace = TestNamespaces.create(client, "leader");
    List<Process> replicas = new ArrayList<>();
    Path[] logs = {
      Files.createTempFile("leader-a", ".log"), Files.createTempFile("leader-b", ".log")
    };
    try {
      for (Path replicaLog : logs) {
        replicas.add(
            start(
                cluster,
                replicaLog,
                "operator",
                "--leader-election",
                "--leader-election-namespace=" + namespace,
                "--watch-namespaces=" + namespace,
                "--management-port=" + FreePorts.pick()));
      }
      var lease = client.leases().inNamespace(namespace).withName("aideploy-operator");
      String holder =
          await()
              .atMost(WAIT)
              .until(
                  () -> lease.get() == null ? null : lease.get().getSpec().getHolderIdentity(),
                  java.util.Objects::nonNull);
      // One identity per process in its log, and it is the one in the Lease.
      List<String> identities = new ArrayList<>();
      for (Path replicaLog : logs) {
        List<String> lines =
            Files.readString(replicaLog)
                .lines()
                .filter(l -> l.contains("taking part in leader election"))
                .toList();
        assertThat(lines).hasSize(1);
        identities.add(lines.get(0).replaceAll(".* as ", ""));
      }
      assertThat(identities).contains(holder).doesNotHaveDuplicates();
      applyApp(cluster, namespace, "first");
      awaitChildren(cluster, namespace, "first");

      // Stop the leader: the other replica takes the lease over and reconciles.
      int leader = Files.readString(logs[0]).contains("as " + holder) ? 0 : 1;
      stop(replicas.get(leader));
      await()
          .atMost(WAIT)
          .until(
              () -> lease.get().getSpec().getHolderIdentity(), h -> h != null && !h.equals(holder));
      applyApp(cluster, namespace, "second");
      awaitChildren(cluster, namespace, "second");
    } finally {
      for (Process replica : replicas) {
        stop(replica);
      }
    }
  }
}
