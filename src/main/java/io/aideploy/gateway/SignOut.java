package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.kube.ExactWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

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
    // With the token's uid: a token deleted and re-created under the same name meanwhile is
    // another token, whose sessions this sign-out must not end.
    AiToken patched =
        ExactWrites.mergePatchStatus(
            client,
            AiToken.class,
            token.namespace(),
            token.name(),
            token.uid(),
            Map.of("sessionsNotBefore", now));
    // This replica refuses at once; the others when their watch delivers the same object.
    index.putToken(patched);
  }
}
