package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.kube.ExactWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.lastUsedAt} of tokens that were accepted, at most once a minute per token,
 * on a background thread: the request path only does a map lookup and, once a minute, hands off a
 * task. The patch is a JSON merge patch on the status subresource that names only {@code
 * lastUsedAt}, so the operator's other status fields are never overwritten.
 */
final class LastUsedRecorder implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(LastUsedRecorder.class);
  private static final int MAX_TRACKED = 200_000;

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Instant> lastWritten = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor executor;

  LastUsedRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
    // One thread and a bounded queue: under an API-server outage, updates are dropped, not piled
    // up.
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000),
            runnable -> {
              Thread thread = new Thread(runnable, "aideploy-last-used");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.DiscardPolicy());
  }

  /** Notes that {@code token} was just accepted; patches its status if a minute has passed. */
  void used(TokenEntry token) {
    Instant now = clock.instant();
    Instant published = token.lastUsedAt();
    // Another replica may have written it recently: its value is in the informer's copy.
    if (published != null && now.isBefore(published.plus(INTERVAL))) {
      return;
    }
    String key = token.key();
    Instant previous = lastWritten.get(key);
    if (previous != null && now.isBefore(previous.plus(INTERVAL))) {
      return;
    }
    if (lastWritten.size() > MAX_TRACKED) {
      lastWritten.clear();
    }
    boolean mine =
        previous == null
            ? lastWritten.putIfAbsent(key, now) == null
            : lastWritten.replace(key, previous, now);
    if (mine) {
      executor.execute(() -> patch(token, now));
    }
  }

  private void patch(TokenEntry token, Instant when) {
    String timestamp = when.truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      // With the uid: never a use of this value recorded on a re-created token of the same name.
      ExactWrites.mergePatchStatus(
          client,
          AiToken.class,
          token.namespace(),
          token.name(),
          token.uid(),
          Map.of("lastUsedAt", timestamp));
    } catch (KubernetesClientException e) {
      // A deleted token or an unreachable API server: the next use a minute later tries again.
      log.debug(
          "cannot record last use of AiToken {}/{}: {}",
          token.namespace(),
          token.name(),
          e.getCode());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
