package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiToken;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;

/**
 * Ends every browser session of a token on every gateway replica: writes {@code
 * status.sessionsNotBefore} (a JSON merge patch naming only that field, as {@link LastUsedRecorder}
 * does for its own), which the watch brings to every replica; sessions issued until then are
 * refused. A stolen session cookie dies with it, which clearing the browser's copy alone would not
 * do.
 */
final class SignOut {
  private final KubernetesClient client;
  private final AccessIndex index;
  private final Clock clock;

  SignOut(KubernetesClient client, AccessIndex index, Clock clock) {
    this.client = client;
    this.index = index;
    this.clock = clock;
  }

  /**
   * Signs {@code token}'s sessions out; blocks on the API server, so never on an event loop.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when it was not written
   */
  void signOut(TokenEntry token) {
    String now = Instant.ofEpochMilli(clock.millis()).toString();
    // resource(reference), not withName(name): fabric8 would GET the token first.
    AiToken reference = new AiToken();
    reference.getMetadata().setNamespace(token.namespace());
    reference.getMetadata().setName(token.name());
    AiToken patched =
        client
            .resource(reference)
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"sessionsNotBefore\":\"" + now + "\"}}");
    // This replica refuses at once; the others when their watch delivers the same object.
    index.putToken(patched);
  }
}
