package io.aideploy.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh namespaces so that tests sharing one control plane do not see each other's objects. */
public final class TestNamespaces {
  private TestNamespaces() {}

  /** Creates a namespace named after {@code prefix} with a random suffix, and returns its name. */
  public static String create(KubernetesClient client, String prefix) {
    String name = prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
