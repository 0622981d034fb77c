package io.aideploy.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh namespaces so that tests sharing one control plane do not see each other's objects. The
 * {@link LocalControlPlane} extension deletes them after each test class, so that later classes do
 * not pay for the objects of earlier ones.
 */
public final class TestNamespaces {
  private static final Queue<String> created = new ConcurrentLinkedQueue<>();

  private TestNamespaces() {}

  /** Asks for the deletion of every namespace created since the last call; does not wait. */
  static void deleteCreated(KubernetesClient client) {
    for (String name = created.poll(); name != null; name = created.poll()) {
      client.namespaces().withName(name).delete();
    }
  }

  /** Creates a namespace named after {@code prefix} with a random suffix, and returns its name. */
  public static String create(KubernetesClient client, String prefix) {
    String name = prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    created.add(name);
    return name;
  }
}
