package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Handlers see objects only as {@link CachedFields} keeps them, whether they arrive in the initial
 * list or through the watch, and the informer's own store holds nothing but their identity. Against
 * the real API server: the mock server's watches need the Vert.x 4 that the gateway's Vert.x 5
 * displaces.
 */
@ExtendWith(LocalControlPlane.class)
class TrimmedInformerIT {
  /** 30 values of 32 KiB, the most each may hold: an AiApp of about 1 MB. */
  private static final List<EnvVar> LARGE_ENV =
      IntStream.range(0, 30).mapToObj(i -> new EnvVar("V" + i, "x".repeat(32768), null)).toList();

  @Test
  void cacheAndHandlersGetTrimmedObjectsFromListAndWatch(KubernetesClient client) {
    String ns = TestNamespaces.create(client, "trimmed");
    AiApp listed = client.resource(app(ns, "listed")).create();
    assertThat(Serialization.asJson(listed).length()).isGreaterThan(1_000_000);
    List<AiApp> seen = new CopyOnWriteArrayList<>();
    List<AiApp> deleted = new CopyOnWriteArrayList<>();
    SharedIndexInformer<AiApp> informer =
        TrimmedInformer.feed(
            client.resources(AiApp.class).inNamespace(ns).runnableInformer(0),
            recording(seen, deleted),
            CachedFields::app);
    try {
      informer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);

      client.resource(app(ns, "watched")).create();
      listed.getMetadata().getLabels().put("group", "B");
      client.resource(listed).update();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 3);

      assertThat(seen)
          .extracting(a -> a.getMetadata().getName())
          .containsExactly("listed", "watched", "listed");
      assertThat(seen).allSatisfy(TrimmedInformerIT::isTrimmed);
      assertThat(seen.get(2).getMetadata().getLabels()).containsEntry("group", "B");
      assertThat(informer.getStore().list())
          .hasSize(2)
          .allSatisfy(
              stored -> {
                assertThat(stored.getMetadata().getUid()).isNotBlank();
                assertThat(stored.getMetadata().getResourceVersion()).isNotBlank();
                assertThat(stored.getMetadata().getLabels()).isNullOrEmpty();
                assertThat(stored.getSpec()).isNull();
              });

      // A deletion reaches the handler with what it needs to forget the app: its key and uid.
      String uid = client.resource(listed).get().getMetadata().getUid();
      client.resource(listed).delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> deleted.size() == 1);
      assertThat(deleted.get(0).getMetadata().getUid()).isEqualTo(uid);
      assertThat(deleted.get(0).getMetadata().getName()).isEqualTo("listed");
      assertThat(deleted.get(0).getMetadata().getNamespace()).isEqualTo(ns);
    } finally {
      informer.close();
    }
  }

  private static void isTrimmed(AiApp app) {
    assertThat(Serialization.asJson(app).length()).isLessThan(2048);
    assertThat(app.getSpec().getEnv()).isNull();
    assertThat(app.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(app.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(app.getSpec().getImage()).isEqualTo("nginx");
    assertThat(app.getMetadata().getUid()).isNotBlank();
  }

  private static ResourceEventHandler<AiApp> recording(List<AiApp> seen, List<AiApp> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(AiApp app) {
        seen.add(app);
      }

      @Override
      public void onUpdate(AiApp old, AiApp app) {
        seen.add(app);
      }

      @Override
      public void onDelete(AiApp app, boolean finalStateUnknown) {
        deleted.add(app);
      }
    };
  }

  private static AiApp app(String ns, String name) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(name)
            .withLabels(new HashMap<>(Map.of("group", "A")))
            .withAnnotations(Map.of("note", "y".repeat(100_000)))
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("nginx");
    spec.setEnv(LARGE_ENV);
    app.setSpec(spec);
    return app;
  }
}
