package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * AiApps and AiTokens for gateway tests. Token status is written here exactly as the operator's
 * AiToken reconciler writes it (phase, hash, prefix, issuedAt, expiresAt), through the status
 * subresource, so that the gateway sees what it will see in production.
 */
final class TestResources {
  private TestResources() {}

  /** A client of an API server that is not there (a closed loopback port): nothing ever syncs. */
  static KubernetesClient unreachableApi() {
    Config unreachable =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://127.0.0.1:1")
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(unreachable).build();
  }

  static AiApp createApp(
      KubernetesClient client, String ns, String name, Map<String, String> labels, Access access) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder().withNamespace(ns).withName(name).withLabels(labels).build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    spec.setAccess(access);
    app.setSpec(spec);
    return client.resource(app).create();
  }

  /** Creates a token, publishes a fresh value's hash in its status, and returns the value. */
  static String createToken(
      KubernetesClient client,
      String ns,
      String name,
      Role role,
      String selector,
      String expiresAt) {
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(role);
    spec.setLabelSelector(selector);
    spec.setExpiresAt(expiresAt);
    token.setSpec(spec);
    client.resource(token).create();
    return publishNewValue(client, ns, name);
  }

  /** What the operator does on regenerate: a new value whose hash replaces the old one. */
  static String publishNewValue(KubernetesClient client, String ns, String name) {
    String value = TokenValue.generate();
    editStatus(
        client,
        ns,
        name,
        t -> {
          AiTokenStatus status = t.getStatus() == null ? new AiTokenStatus() : t.getStatus();
          status.setPhase(TokenPhase.Ready);
          status.setSecretName(name);
          status.setTokenHash(TokenValue.hash(value));
          status.setTokenPrefix(TokenValue.prefix(value));
          status.setIssuedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
          status.setExpiresAt(t.getSpec().getExpiresAt());
          t.setStatus(status);
          return t;
        });
    return value;
  }

  /**
   * What the operator does on a regenerate with a grace period: a new value, the old one working on
   * until {@code until}.
   */
  static String publishNewValueKeepingTheOld(
      KubernetesClient client, String ns, String name, Instant until) {
    String oldHash =
        client
            .resources(AiToken.class)
            .inNamespace(ns)
            .withName(name)
            .get()
            .getStatus()
            .getTokenHash();
    String value = publishNewValue(client, ns, name);
    editStatus(
        client,
        ns,
        name,
        t -> {
          t.getStatus().setPreviousTokenHash(oldHash);
          t.getStatus().setPreviousValueValidUntil(until.toString());
          return t;
        });
    return value;
  }

  static void setPhase(KubernetesClient client, String ns, String name, TokenPhase phase) {
    editStatus(
        client,
        ns,
        name,
        t -> {
          t.getStatus().setPhase(phase);
          return t;
        });
  }

  /**
   * An optimistic-locking status edit, retried on conflict: the gateway's own lastUsedAt patches
   * may land between the read and the write, as they will for the operator.
   */
  private static void editStatus(
      KubernetesClient client, String ns, String name, UnaryOperator<AiToken> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.resources(AiToken.class).inNamespace(ns).withName(name).editStatus(edit);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  static String uid(AiApp app) {
    return app.getMetadata().getUid();
  }
}
