package io.aideploy.app;

import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.Streaming;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The apps of the exposure tests: created, their access changed, poked, in one namespace. */
record AppEdits(KubernetesClient client, String namespace) {
  private static final Duration WAIT = Duration.ofSeconds(60);

  AiApp create(String name, Access access) {
    return create(name, access, null);
  }

  AiApp create(String name, Access access, Streaming streaming) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(namespace);
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    spec.setAccess(access);
    spec.setStreaming(streaming);
    app.setSpec(spec);
    return client.resource(app).create();
  }

  void setAccess(String name, Access access) {
    edit(
        name,
        a -> {
          a.getSpec().setAccess(access);
          return a;
        });
  }

  /** Changes an annotation of the app: a reconcile that changes nothing its children should be. */
  AiApp poke(String name) {
    return edit(
        name,
        a -> {
          a.getMetadata().getAnnotations().put("test/poke", UUID.randomUUID().toString());
          return a;
        });
  }

  /** Edits the app, retrying when the edit races with the operator's own writes. */
  AiApp edit(String name, UnaryOperator<AiApp> change) {
    return await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> client.resources(AiApp.class).inNamespace(namespace).withName(name).edit(change),
            Objects::nonNull);
  }
}
