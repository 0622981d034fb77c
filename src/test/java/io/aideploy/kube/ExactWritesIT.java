package io.aideploy.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes by uid never reach an object deleted and re-created under the same name, on the object
 * itself and on its status subresource (where the API server ignores a uid in the patch).
 */
@ExtendWith(LocalControlPlane.class)
class ExactWritesIT {

  @Test
  void aStaleUidIsRefusedOnTheObjectAndOnItsStatus(KubernetesClient client) {
    String ns = TestNamespaces.create(client, "exact-writes");
    AiToken first = client.resource(token(ns)).create();
    String staleUid = first.getMetadata().getUid();
    client.resource(first).withTimeout(30, TimeUnit.SECONDS).delete();
    AiToken second = client.resource(token(ns)).create();

    assertThatThrownBy(
            () ->
                ExactWrites.mergePatch(
                    client,
                    AiToken.class,
                    ns,
                    "t",
                    staleUid,
                    Map.of("metadata", Map.of("labels", Map.of("written", "yes")))))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                ExactWrites.mergePatchStatus(
                    client,
                    AiToken.class,
                    ns,
                    "t",
                    staleUid,
                    Map.of("lastUsedAt", "2026-01-01T00:00:00Z")))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    AiToken now = client.resources(AiToken.class).inNamespace(ns).withName("t").get();
    assertThat(now.getMetadata().getUid()).isEqualTo(second.getMetadata().getUid());
    assertThat(now.getMetadata().getLabels()).doesNotContainKey("written");
    assertThat(now.getStatus() == null ? null : now.getStatus().getLastUsedAt()).isNull();

    // With the current uid both go through.
    String uid = second.getMetadata().getUid();
    ExactWrites.mergePatch(
        client,
        AiToken.class,
        ns,
        "t",
        uid,
        Map.of("metadata", Map.of("labels", Map.of("written", "yes"))));
    ExactWrites.mergePatchStatus(
        client, AiToken.class, ns, "t", uid, Map.of("lastUsedAt", "2026-01-01T00:00:00Z"));
    now = client.resources(AiToken.class).inNamespace(ns).withName("t").get();
    assertThat(now.getMetadata().getLabels()).containsEntry("written", "yes");
    assertThat(now.getStatus().getLastUsedAt()).isEqualTo("2026-01-01T00:00:00Z");
  }

  private static AiToken token(String ns) {
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("t").build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=A");
    token.setSpec(spec);
    return token;
  }
}
