package io.aideploy.testing.faults;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn driver: every {@code period} one change, in turn: regenerate a token (every other time
 * with a grace period of {@link #GRACE} for the previous value, as {@code aideploy token regenerate
 * --grace} asks for it), move an app to the other label group, delete a token and create another,
 * create a token that expires a few seconds later. Each write that the API server answers is told
 * to the {@link GroundTruth} with the instant of its answer; a write that fails (the API server is
 * away) is counted and skipped, and if it was accepted after all, the {@link ClusterPoller} sees
 * it.
 *
 * <p>Two tokens, {@code stable-a} and {@code stable-b}, are never touched: their values must come
 * through every fault unchanged.
 */
public final class Churn implements AutoCloseable {
  static final String GROUP = "group";
  static final List<String> STABLE = List.of("stable-a", "stable-b");
  private static final int APPS = 6;
  private static final int REGENERATED = 4;
  private static final int KEPT_DEAD = 4;
  private static final Duration EXPIRES_AFTER = Duration.ofSeconds(4);

  /**
   * The grace a graced regeneration gives the previous value: shorter than the time until the same
   * token is regenerated again, so that its end, not the next regeneration, is what stops it.
   */
  static final String GRACE = "3s";

  private final KubernetesClient client;
  private final String namespace;
  private final GroundTruth truth;
  private final List<String> sampled = new CopyOnWriteArrayList<>();
  private final Deque<String> cycling = new ArrayDeque<>();
  private final Deque<String> dead = new ArrayDeque<>();
  private final Deque<String> expiring = new ArrayDeque<>();
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private final Thread thread;
  private final Duration period;
  private volatile boolean running;
  private long step;

  private Churn(KubernetesClient client, String namespace, GroundTruth truth, Duration period) {
    this.client = client;
    this.namespace = namespace;
    this.truth = truth;
    this.period = period;
    this.thread = new Thread(this::loop, "churn");
    thread.setDaemon(true);
  }

  /**
   * Creates the apps and tokens the churn works on, and returns without starting the churn: the
   * operator must first issue their values.
   */
  static Churn prepare(
      KubernetesClient client, String namespace, GroundTruth truth, Duration period) {
    Churn churn = new Churn(client, namespace, truth, period);
    for (int i = 0; i < APPS; i++) {
      churn.createApp("app-" + i, i % 2 == 0 ? "a" : "b");
    }
    for (String name : STABLE) {
      churn.createToken(name, name.substring(name.length() - 1), null);
    }
    for (int i = 0; i < REGENERATED; i++) {
      churn.createToken("regen-" + i, i % 2 == 0 ? "a" : "b", null);
    }
    for (int i = 0; i < 2; i++) {
      churn.createToken("cycle-" + i, i % 2 == 0 ? "a" : "b", null);
      churn.cycling.add("cycle-" + i);
    }
    return churn;
  }

  void start() {
    running = true;
    thread.start();
  }

  /** The tokens the load generator asks about: every live one and the last few deleted ones. */
  public List<String> sampled() {
    return sampled;
  }

  public long changes() {
    return changes.get();
  }

  public long failedWrites() {
    return failedWrites.get();
  }

  private void loop() {
    while (running) {
      long started = System.nanoTime();
      try {
        switch ((int) (step++ % 4)) {
          case 0 -> regenerate((step / 4) % REGENERATED, (step / 4 / REGENERATED) % 2 == 0);
          case 1 -> moveApp("app-" + (step / 4) % APPS);
          case 2 -> cycleToken();
          default -> createExpiring();
        }
        changes.incrementAndGet();
      } catch (RuntimeException e) {
        failedWrites.incrementAndGet();
      }
      long rest = period.toNanos() - (System.nanoTime() - started);
      if (rest > 0) {
        try {
          Thread.sleep(rest / 1_000_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void createApp(String name, String group) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(GROUP, group))
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("ovhcom/ai-deploy-hello-world");
    app.setSpec(spec);
    AiApp created = client.resource(app).create();
    truth.appCreated(name, created.getMetadata().getUid(), group, System.nanoTime());
  }

  private void createToken(String name, String group, Instant expiresAt) {
    truth.tokenCreated(name, group, expiresAt);
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector(GROUP + "=" + group);
    spec.setExpiresAt(expiresAt == null ? null : expiresAt.toString());
    token.setSpec(spec);
    sampled.add(name);
    client.resource(token).create();
  }

  /**
   * Asks for a new value of {@code regen-<index>}; with {@code grace}, the request carries the
   * grace annotation, and without, removes it (as the CLI does), so each token alternates between
   * both.
   */
  private void regenerate(long index, boolean grace) {
    client
        .resources(AiToken.class)
        .inNamespace(namespace)
        .withName("regen-" + index)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + AiToken.REGENERATE_ANNOTATION
                + "\":\"churn-"
                + step
                + "\",\""
                + AiToken.REGENERATE_GRACE_ANNOTATION
                + "\":"
                + (grace ? "\"" + GRACE + "\"" : "null")
                + "}}}");
  }

  private void moveApp(String name) {
    AiApp app = client.resources(AiApp.class).inNamespace(namespace).withName(name).get();
    String group = "a".equals(app.getMetadata().getLabels().get(GROUP)) ? "b" : "a";
    long sentAt = System.nanoTime();
    AiApp moved =
        client
            .resources(AiApp.class)
            .inNamespace(namespace)
            .withName(name)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"" + GROUP + "\":\"" + group + "\"}}}");
    truth.appGroup(
        name,
        group,
        Long.parseLong(moved.getMetadata().getResourceVersion()),
        sentAt,
        System.nanoTime());
  }

  private void cycleToken() {
    String oldest = cycling.peekFirst();
    if (oldest != null) {
      client.resources(AiToken.class).inNamespace(namespace).withName(oldest).delete();
      truth.tokenDeleted(oldest, System.nanoTime());
      cycling.pollFirst();
      bury(oldest);
    }
    String name = "cycle-" + step;
    createToken(name, step % 3 == 0 ? "a" : "b", null);
    cycling.add(name);
  }

  private void createExpiring() {
    // Whole seconds, as a user writes them; at least EXPIRES_AFTER from now.
    Instant expiresAt =
        Instant.now().plus(EXPIRES_AFTER).plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
    String name = "exp-" + step;
    createToken(name, step % 2 == 0 ? "a" : "b", expiresAt);
    expiring.add(name);
    if (expiring.size() > KEPT_DEAD) {
      String old = expiring.pollFirst();
      client.resources(AiToken.class).inNamespace(namespace).withName(old).delete();
      truth.tokenDeleted(old, System.nanoTime());
      sampled.remove(old);
    }
  }

  /** A deleted token stays asked about for a while: its value must stay refused. */
  private void bury(String name) {
    dead.add(name);
    if (dead.size() > KEPT_DEAD) {
      sampled.remove(dead.pollFirst());
    }
  }

  /** The names of the tokens that should exist now (for the final audit). */
  List<String> live() {
    List<String> live = new ArrayList<>(STABLE);
    for (int i = 0; i < REGENERATED; i++) {
      live.add("regen-" + i);
    }
    live.addAll(cycling);
    return live;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
