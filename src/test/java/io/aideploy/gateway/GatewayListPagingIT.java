package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway lists AiApps and AiTokens in pages: unpaged, the first list of 100,000 objects
 * arrives whole and does not fit in the gateway's heap (bench/scale).
 */
@ExtendWith(LocalControlPlane.class)
class GatewayListPagingIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void theFirstListComesInPagesAndATokenOnTheSecondPageWorks(
      KubernetesClient admin, LocalControlPlane.Cluster cluster) throws Exception {
    String ns = TestNamespaces.create(admin, "gw-paging");
    AiApp app = createApp(admin, ns, "app", Map.of(), Access.Token);
    // One page of tokens the gateway must list past, then one that works: lists are in name
    // order, so "z-last" comes on the second page.
    IntStream.range(0, (int) GatewayRuntime.LIST_PAGE)
        .parallel()
        .forEach(i -> admin.resource(bareToken(ns, String.format("t-%03d", i))).create());
    String value = createToken(admin, ns, "z-last", Role.Reader, null, null);

    List<String> tokenLists = new CopyOnWriteArrayList<>();
    Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    Vertx vertx = Vertx.vertx();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientBuilderConsumer(
                builder -> builder.addOrReplaceInterceptor("record", recordTokenLists(tokenLists)))
            .build()) {
      GatewayRuntime gateway =
          GatewayRuntime.start(
              client,
              TestOperator.settings().toBuilder().watchNamespaces(Set.of(ns)).build(),
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              vertx);
      try {
        await().atMost(WAIT).until(gateway::isReady);
        assertThat(GatewayIT.auth(gateway.port(), uid(app), value).status()).isEqualTo(200);
        assertThat(tokenLists)
            .as("the gateway's lists of AiTokens")
            .hasSizeGreaterThanOrEqualTo(2)
            .allMatch(query -> query.contains("limit=" + GatewayRuntime.LIST_PAGE))
            .anyMatch(query -> query.contains("continue="));
      } finally {
        gateway.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static AiToken bareToken(String ns, String name) {
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=none");
    token.setSpec(spec);
    return token;
  }

  /**
   * Records the query of every list of AiTokens the client sends: not its watches, and not the
   * freshness probe's one-item reads ({@link ApiFreshness}).
   */
  private static Interceptor recordTokenLists(List<String> queries) {
    return new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String path = request.uri().getPath();
        String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
        if ("GET".equals(request.method())
            && path.endsWith("/aitokens")
            && !query.contains("watch=true")
            && !query.matches("(.*&)?limit=1(&.*)?")) {
          queries.add(query);
        }
      }
    };
  }
}
