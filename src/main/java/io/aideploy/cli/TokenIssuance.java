package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.aideploy.token.IssueHold;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits until the operator has issued a token's value and reads it from the Secret. The status
 * (watched) says a value is there; the Secret is read only then, and its value must hash to the
 * status's {@code tokenHash}, so the CLI never prints a value the gateway would refuse.
 */
final class TokenIssuance {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  TokenIssuance(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /**
   * The value, once {@code issued} holds for the token's status and the Secret agrees with it.
   *
   * @throws CliException when the token is invalid, expired, deleted or the wait times out
   */
  String await(Predicate<AiToken> issued, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw timedOut(timeout);
      }
      AiToken token;
      try {
        token =
            client
                .resources(AiToken.class)
                .inNamespace(namespace)
                .withName(name)
                .waitUntilCondition(
                    t -> t == null || isFinal(t) || (isReady(t) && issued.test(t)),
                    left,
                    TimeUnit.NANOSECONDS);
      } catch (KubernetesClientTimeoutException e) {
        throw timedOut(timeout);
      }
      if (token == null) {
        throw CliException.notFound("token " + name + " was deleted while waiting for its value");
      }
      failIfUnusable(token);
      String value = secretValue(token);
      if (TokenValue.matchesHash(value, token.getStatus().getTokenHash())) {
        return value;
      }
      // The Secret is written before the status, so this is a rare race with a newer value.
      sleep();
    }
  }

  private String secretValue(AiToken token) {
    String secretName = token.getStatus().getSecretName();
    Secret secret =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(secretName == null ? name : secretName)
            .get();
    return TokenSecrets.value(secret);
  }

  private static boolean isReady(AiToken token) {
    return token.getStatus() != null
        && token.getStatus().getPhase() == TokenPhase.Ready
        && token.getStatus().getTokenHash() != null;
  }

  /**
   * Invalid or Expired; but a value held because a Deployment or app names the token's Secret
   * (reason {@link IssueHold#REASON}) is issued once the operator has removed that Deployment, so
   * the wait goes on.
   */
  private static boolean isFinal(AiToken token) {
    return token.getStatus() != null
        && (token.getStatus().getPhase() == TokenPhase.Invalid
            || token.getStatus().getPhase() == TokenPhase.Expired)
        && !isHeld(token);
  }

  private static boolean isHeld(AiToken token) {
    return token.getStatus().getConditions() != null
        && token.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && IssueHold.REASON.equals(c.getReason()));
  }

  private void failIfUnusable(AiToken token) {
    TokenPhase phase = token.getStatus().getPhase();
    if (phase == TokenPhase.Invalid) {
      throw CliException.failed(
          "the operator marked token "
              + name
              + " Invalid: "
              + reason(token)
              + "; fix it with 'kubectl edit aitoken "
              + name
              + "' or delete it");
    }
    if (phase == TokenPhase.Expired) {
      throw CliException.failed(
          "token "
              + name
              + " has expired (expiresAt "
              + token.getSpec().getExpiresAt()
              + "); delete it and create one with a later --expires-at");
    }
  }

  private static String reason(AiToken token) {
    return token.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(Condition::getMessage)
        .filter(m -> m != null && !m.isBlank())
        .map(CliErrors::oneLine)
        .findFirst()
        .orElse("see 'kubectl describe aitoken " + token.getMetadata().getName() + "'");
  }

  /** Says what exists (the AiToken stays) and how to get the value once the operator issues it. */
  private CliException timedOut(Duration timeout) {
    return CliException.unavailable(
        "timed out after "
            + timeout.toSeconds()
            + "s waiting for the operator to issue the value of token "
            + name
            + "; is the operator running? The AiToken "
            + name
            + " exists in namespace "
            + namespace
            + ": once 'kubectl get aitoken "
            + name
            + " -n "
            + namespace
            + "' says Ready, 'aideploy token regenerate "
            + name
            + " -n "
            + namespace
            + "' prints a value, or 'aideploy token delete "
            + name
            + " -n "
            + namespace
            + "' removes it");
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.unavailable("interrupted while waiting for the operator");
    }
  }
}
