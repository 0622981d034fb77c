package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TcpForwarder;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway when the API server is away: it becomes ready once the API server appears after it
 * started, and fails closed (503, unready) when its watches stay down, then recovers.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayResilienceIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void readyWhenTheApiServerAppearsAndFailsClosedWhileItIsGone(
      KubernetesClient admin, LocalControlPlane.Cluster cluster) throws Exception {
    String ns = TestNamespaces.create(admin, "gw-resilience");
    AiApp app = createApp(admin, ns, "app", Map.of(), Access.Token);
    String value = createToken(admin, ns, "t", Role.Reader, null, null);

    Route route = Route.to(cluster);

    Vertx vertx = Vertx.vertx();
    // The route starts cut: every connection is closed as it arrives, and counted, so that the
    // test knows the gateway tried and failed rather than had not tried yet.
    try (TcpForwarder forwarder = route.open();
        KubernetesClient client = route.client()) {
      forwarder.cut();
      GatewayRuntime gateway =
          GatewayRuntime.start(
              client,
              TestOperator.settings(),
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              vertx,
              Duration.ofSeconds(2).toNanos());
      try {
        // Both informers' first lists and the first freshness read, and retries of them.
        await().atMost(WAIT).until(() -> forwarder.accepted() >= 6);
        assertThat(gateway.isReady()).isFalse();
        assertThat(GatewayIT.auth(gateway.port(), uid(app), value).status()).isEqualTo(503);

        forwarder.heal();
        await().atMost(WAIT).until(gateway::isReady);
        await()
            .atMost(WAIT)
            .until(() -> GatewayIT.auth(gateway.port(), uid(app), value).status() == 200);

        // The watches are cut and cannot come back: after the grace period, no more 200s.
        forwarder.cut();
        await()
            .atMost(WAIT)
            .until(() -> GatewayIT.auth(gateway.port(), uid(app), value).status() == 503);
        assertThat(gateway.isReady()).isFalse();

        forwarder.heal();
        await().atMost(WAIT).until(gateway::isReady);
        assertThat(GatewayIT.auth(gateway.port(), uid(app), value).status()).isEqualTo(200);
      } finally {
        gateway.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void aSilentPartitionIsRefusedWithinTheStalenessBoundAndARevocationNeverSlipsThrough(
      KubernetesClient admin, LocalControlPlane.Cluster cluster) throws Exception {
    String ns = TestNamespaces.create(admin, "gw-partition");
    AiApp app = createApp(admin, ns, "app", Map.of(), Access.Token);
    String value = createToken(admin, ns, "t", Role.Reader, null, null);

    Route route = Route.to(cluster);

    Vertx vertx = Vertx.vertx();
    try (TcpForwarder forwarder = route.open();
        KubernetesClient client = route.client()) {
      GatewayRuntime gateway =
          GatewayRuntime.start(
              client, TestOperator.settings(), new SimpleMeterRegistry(), Clock.systemUTC(), vertx);
      try {
        await()
            .atMost(WAIT)
            .until(() -> GatewayIT.auth(gateway.port(), uid(app), value).status() == 200);

        // The route goes silent, as when the API server is paused: nothing is closed, nothing
        // arrives. Then the token is deleted through a healthy path the gateway cannot see.
        forwarder.freeze();
        long frozenAt = System.nanoTime();
        admin
            .resources(io.aideploy.api.v1alpha1.AiToken.class)
            .inNamespace(ns)
            .withName("t")
            .delete();
        // Until the bound, the cached answer may still be 200: never after it (the informers alone
        // noticed the silence only after a minute or more).
        await()
            .atMost(Duration.ofNanos(ApiFreshness.MAX_STALENESS_NANOS).plusSeconds(5))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> GatewayIT.auth(gateway.port(), uid(app), value).status() == 503);
        long refusedAfterMs = (System.nanoTime() - frozenAt) / 1_000_000;
        System.err.printf(
            "silent partition: refused after %d ms (bound %d ms)%n",
            refusedAfterMs, ApiFreshness.MAX_STALENESS_NANOS / 1_000_000);
        assertThat(gateway.isReady()).isFalse();

        // Healed: the deletion arrives and the value is refused for good (401), not served again.
        forwarder.thaw();
        await()
            .atMost(WAIT)
            .until(() -> GatewayIT.auth(gateway.port(), uid(app), value).status() == 401);
        assertThat(gateway.isReady()).isTrue();
      } finally {
        gateway.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /**
   * The gateway's way to the API server, through a forwarder the test cuts, heals or freezes. The
   * client is made only after {@link #open}, which chooses the port.
   */
  private static final class Route {
    private final Config config;
    private final URI apiServer;

    private Route(Config config) {
      this.config = config;
      this.apiServer = URI.create(config.getMasterUrl());
    }

    static Route to(LocalControlPlane.Cluster cluster) throws java.io.IOException {
      return new Route(Config.fromKubeconfig(Files.readString(cluster.kubeconfig())));
    }

    TcpForwarder open() {
      TcpForwarder forwarder = TcpForwarder.start(apiServer.getHost(), apiServer.getPort());
      config.setMasterUrl("https://127.0.0.1:" + forwarder.port());
      return forwarder;
    }

    KubernetesClient client() {
      return new KubernetesClientBuilder().withConfig(config).build();
    }
  }
}
