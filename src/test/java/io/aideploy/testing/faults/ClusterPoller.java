package io.aideploy.testing.faults;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Lists the namespace's AiTokens, token Secrets and AiApps every {@link #INTERVAL} and tells the
 * {@link GroundTruth} what they show, with the instant each list came back. A list, not a watch: a
 * watch can stall or back off for many seconds in the very faults under test, and the checker must
 * learn of the operator's writes (a new value's hash) within a known delay.
 */
final class ClusterPoller implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofMillis(200);

  private final KubernetesClient client;
  private final String namespace;
  private final GroundTruth truth;
  private final Set<String> seenTokens = new HashSet<>();
  private long appsListedSince = Long.MIN_VALUE;
  private final Thread thread;
  private volatile boolean running = true;

  ClusterPoller(KubernetesClient client, String namespace, GroundTruth truth) {
    this.client = client;
    this.namespace = namespace;
    this.truth = truth;
    this.thread = new Thread(this::loop, "cluster-poller");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        pollOnce();
      } catch (RuntimeException e) {
        // The API server is away: nothing can be accepted meanwhile; try again.
      }
      try {
        Thread.sleep(INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One round of lists; also used to settle the truth before a final check. */
  void pollOnce() {
    // Secrets first: a value whose hash the token list then shows is known at once.
    var secrets =
        client.secrets().inNamespace(namespace).withField("type", TokenSecrets.TYPE).list();
    for (Secret secret : secrets.getItems()) {
      truth.secretValue(secret.getMetadata().getName(), TokenSecrets.value(secret));
    }
    var tokens = client.resources(AiToken.class).inNamespace(namespace).list();
    long at = System.nanoTime();
    Set<String> listed = new HashSet<>();
    for (AiToken token : tokens.getItems()) {
      String name = token.getMetadata().getName();
      listed.add(name);
      seenTokens.add(name);
      var status = token.getStatus();
      truth.tokenStatus(
          name,
          status == null ? null : status.getTokenHash(),
          status == null ? null : status.getRegenerateRequest(),
          status == null ? null : status.getPreviousTokenHash(),
          status == null ? null : status.getPreviousValueValidUntil(),
          token.getMetadata().getDeletionTimestamp() != null,
          at);
    }
    for (Secret secret : secrets.getItems()) {
      truth.secretValue(secret.getMetadata().getName(), TokenSecrets.value(secret));
    }
    for (String name : seenTokens) {
      if (!listed.contains(name)) {
        truth.tokenDeleted(name, at);
      }
    }
    // A change this list shows first was made after the previous list was sent.
    long sentAt = System.nanoTime();
    var apps = client.resources(AiApp.class).inNamespace(namespace).list();
    long appsAt = System.nanoTime();
    for (AiApp app : apps.getItems()) {
      var labels = app.getMetadata().getLabels();
      if (labels != null && labels.get(Churn.GROUP) != null) {
        truth.appGroup(
            app.getMetadata().getName(),
            labels.get(Churn.GROUP),
            Long.parseLong(app.getMetadata().getResourceVersion()),
            appsListedSince,
            appsAt);
      }
    }
    appsListedSince = sentAt;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
