package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's own writes to a token's status (sign-out, last use) go to the token it decided
 * with, by uid: never to a token deleted and re-created under the same name meanwhile.
 */
@ExtendWith(LocalControlPlane.class)
class TokenStatusWritesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void signOutAndLastUseNeverReachATokenReCreatedUnderTheSameName(KubernetesClient client) {
    String ns = TestNamespaces.create(client, "gw-status-writes");
    createToken(client, ns, "t", Role.Reader, null, null);
    createToken(client, ns, "witness", Role.Reader, null, null);
    TokenEntry stale = TokenEntry.from(get(client, ns, "t"));
    TokenEntry witness = TokenEntry.from(get(client, ns, "witness"));
    client.resource(get(client, ns, "t")).withTimeout(30, TimeUnit.SECONDS).delete();
    createToken(client, ns, "t", Role.Reader, null, null);
    TokenEntry current = TokenEntry.from(get(client, ns, "t"));
    assertThat(current.uid()).isNotEqualTo(stale.uid());

    SignOut signOut = new SignOut(client, new AccessIndex(), Clock.systemUTC());
    assertThatThrownBy(() -> signOut.signOut(stale)).isInstanceOf(KubernetesClientException.class);
    assertThat(get(client, ns, "t").getStatus().getSessionsNotBefore()).isNull();
    signOut.signOut(current);
    assertThat(get(client, ns, "t").getStatus().getSessionsNotBefore()).isNotNull();

    // One thread writes in order: once the witness's use is written, the stale one was tried.
    try (LastUsedRecorder recorder = new LastUsedRecorder(client, Clock.systemUTC())) {
      recorder.used(stale);
      recorder.used(witness);
      await()
          .atMost(WAIT)
          .until(() -> get(client, ns, "witness").getStatus().getLastUsedAt() != null);
    }
    assertThat(get(client, ns, "t").getStatus().getLastUsedAt()).isNull();
  }

  private static AiToken get(KubernetesClient client, String ns, String name) {
    return client.resources(AiToken.class).inNamespace(ns).withName(name).get();
  }
}
