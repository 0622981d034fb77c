package io.aideploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link PodNetwork} on the real control plane, with the operator running in-process. */
@ExtendWith(LocalControlPlane.class)
class PodNetworkIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static TestOperator operator;
  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void startOperator(KubernetesClient kubernetes) {
    client = kubernetes;
    operator = TestOperator.start(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @BeforeEach
  void namespace() {
    namespace = TestNamespaces.create(client, "podnet");
  }

  @Test
  void anAppsPodGetsAReadyEndpointThatAnswersFromItsIpAndCloseLeavesNothing() throws Exception {
    createApp("hello");
    PodNetwork network = PodNetwork.create(client);
    String netns = network.netnsName();
    String link = network.hostInterface();
    assertThat(PodNetwork.netnsNames()).contains(netns);
    assertThat(PodNetwork.linkExists(link)).isTrue();
    assertThat(client.nodes().withName(network.nodeName()).get()).isNotNull();

    List<Pod> pods = network.serveApp(namespace, "hello", 8080);
    assertThat(pods).hasSize(1);
    Pod pod = pods.get(0);
    String ip = network.ip(pod);
    assertThat(ip).startsWith(network.subnet().replace("0/24", "")).isNotEqualTo(network.hostIp());

    // The Pod looks like a running, ready Pod on the fake node.
    assertThat(pod.getSpec().getNodeName()).isEqualTo(network.nodeName());
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pod.getStatus().getPodIP()).isEqualTo(ip);
    assertThat(pod.getStatus().getConditions())
        .filteredOn(c -> c.getType().equals("Ready") || c.getType().equals("ContainersReady"))
        .extracting(PodCondition::getStatus)
        .containsExactly("True", "True");
    assertThat(pod.getStatus().getContainerStatuses()).allMatch(c -> c.getReady());

    // The real EndpointSlice controller published it as ready, on the Service's target port.
    EndpointSlice slice = network.awaitReadyEndpoint(namespace, "hello", ip);
    Endpoint endpoint =
        slice.getEndpoints().stream().filter(e -> e.getAddresses().contains(ip)).findFirst().get();
    assertThat(endpoint.getConditions().getReady()).isTrue();
    assertThat(endpoint.getNodeName()).isEqualTo(network.nodeName());
    assertThat(endpoint.getTargetRef().getName()).isEqualTo(pod.getMetadata().getName());
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));

    // Reachable from the root namespace, and the stand-in records what it received.
    PodNetwork.Response response = network.get(ip, 8080, "/some/path?q=1", Map.of("X-Test", "abc"));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("Hello, World!\n");
    List<PodNetwork.Request> requests = network.requests(pod);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).method()).isEqualTo("GET");
    assertThat(requests.get(0).path()).isEqualTo("/some/path?q=1");
    assertThat(requests.get(0).header("x-test")).isEqualTo("abc");
    assertThat(requests.get(0).header("Host")).isEqualTo(ip + ":8080");

    // The node stays Ready past the node lifecycle controller's grace period thanks to the Lease
    // heartbeat; checked in the next test, once a witness node shows the controller has judged it.

    long pid = network.serverPid(pod);
    assertThat(ProcessHandle.of(pid)).isPresent();
    network.close();
    network.close(); // twice is fine

    assertThat(PodNetwork.netnsNames()).doesNotContain(netns);
    assertThat(PodNetwork.linkExists(link)).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(client.nodes().withName(network.nodeName()).get()).isNull();
    // No request to the pod IP now: without the link it would leave the machine, so it is refused.
    assertThatThrownBy(() -> network.get(ip, 8080, "/", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> network.serve(pod, 8080)).isInstanceOf(IllegalStateException.class);
    // The Pod bound to the vanished node is removed; its ReplicaSet makes a new, unbound one.
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get()
                    == null);
  }

  @Test
  void aDeletedPodStopsServingAndLeavesTheEndpoint() {
    createApp("gone");
    try (PodNetwork network = PodNetwork.create(client)) {
      Pod pod = network.serveApp(namespace, "gone", 8080).get(0);
      String ip = network.ip(pod);
      long pid = network.serverPid(pod);

      client.resource(pod).delete(); // graceful, as a user or the ReplicaSet would

      // The network, standing in for the kubelet, stops the server and removes the Pod.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get()
                      == null);
      await()
          .atMost(WAIT)
          .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      await().atMost(WAIT).until(() -> !network.listsEndpoint(namespace, "gone", ip));
      assertThat(network.serves(pod)).isFalse();

      // The ReplicaSet's replacement is served in turn, and stays Ready past the node
      // lifecycle controller's grace period (50 s) because the node's Lease is renewed.
      Pod replacement = network.serveApp(namespace, "gone", 8080).get(0);
      assertThat(replacement.getMetadata().getUid()).isNotEqualTo(pod.getMetadata().getUid());
      String newIp = network.ip(replacement);
      // Evidence that the node lifecycle controller has judged the fake node past its grace
      // period: a witness Node registered after it, with no heartbeat, turns Unknown.
      String witness = registerWitnessNode();
      try {
        await().atMost(Duration.ofSeconds(180)).until(() -> "Unknown".equals(readyStatus(witness)));
      } finally {
        client.nodes().withName(witness).delete();
      }
      assertThat(network.readyEndpointSlice(namespace, "gone", newIp)).isPresent();
      assertThat(client.nodes().withName(network.nodeName()).get().getStatus().getConditions())
          .filteredOn(c -> c.getType().equals("Ready"))
          .extracting(c -> c.getStatus())
          .containsExactly("True");
    }
  }

  @Test
  void removesTheLeftoversOfACrashedRun() {
    // A namespace named as by a JVM that no longer runs (no pid is this high), with a veth.
    String netns = PodNetwork.PREFIX + "999999999-abcdef";
    PodNetwork.run("ip", "netns", "add", netns);
    PodNetwork.run(
        "ip",
        "link",
        "add",
        "adpnabcdefh",
        "type",
        "veth",
        "peer",
        "name",
        "adpnabcdefp",
        "netns",
        netns);
    assertThat(PodNetwork.linkExists("adpnabcdefh")).isTrue();

    assertThat(PodNetwork.removeLeftovers()).contains(netns);

    assertThat(PodNetwork.netnsNames()).doesNotContain(netns);
    assertThat(PodNetwork.linkExists("adpnabcdefh")).isFalse();
  }

  private void createApp(String name) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(namespace);
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    app.setSpec(spec);
    client.resource(app).create();
  }

  /** A Node that says Ready once and never again (no Lease, no status heartbeat). */
  private static String registerWitnessNode() {
    String name = "aideploy-witness-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    // A merge patch without a resourceVersion: kube-controller-manager changes a new Node at once
    // (taints), and an edit that carries the version it read then fails with a conflict.
    client
        .nodes()
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(
                Map.of(
                    "status",
                    Map.of(
                        "conditions",
                        List.of(
                            new NodeConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .withReason("KubeletReady")
                                .withLastHeartbeatTime(now)
                                .withLastTransitionTime(now)
                                .build())))));
    return name;
  }

  private static String readyStatus(String node) {
    return client.nodes().withName(node).get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse(null);
  }
}
