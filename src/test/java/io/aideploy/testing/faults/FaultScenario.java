package io.aideploy.testing.faults;

import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.AideployProcess;
import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TcpForwarder;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.faults.GroundTruth.Verdict;
import io.aideploy.token.TokenRotation;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A namespace of apps and tokens under churn, the packaged operator (one process, or two with
 * leader election) and gateway (optionally reaching the API server through a {@link TcpForwarder}),
 * the load generator and the ground-truth checker: what every fault test and the fault benchmark
 * run a fault against.
 *
 * <pre>
 * try (FaultScenario scenario = FaultScenario.start(cluster, "name", Options.defaults())) {
 *   scenario.fault(() -> ...);              // break something and heal it
 *   scenario.awaitRecovered(bound);         // answers right again, within the documented time
 *   scenario.finish().assertSafe();
 * }
 * </pre>
 */
public final class FaultScenario implements AutoCloseable {
  /** docs/faults.md: a gateway decides again within this time of the fault healing. */
  public static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

  /** docs/faults.md: every pending change is applied within this time of the operator's return. */
  public static final Duration PENDING_BOUND = Duration.ofSeconds(60);

  private static final Duration START = Duration.ofSeconds(120);

  /**
   * @param operators operator processes; with 2, they run with leader election
   * @param throughForwarder whether the gateway reaches the API server through a forwarder that
   *     {@link #forwarder()} freezes
   * @param loadThreads request loops of the load generator
   * @param loadPause the pause of each loop between requests
   * @param churnPeriod one change every period
   */
  public record Options(
      int operators,
      boolean throughForwarder,
      int loadThreads,
      Duration loadPause,
      Duration churnPeriod) {
    public static Options defaults() {
      return new Options(1, false, 2, Duration.ofMillis(10), Duration.ofSeconds(1));
    }

    public Options withOperators(int count) {
      return new Options(count, throughForwarder, loadThreads, loadPause, churnPeriod);
    }

    public Options withForwarder() {
      return new Options(operators, true, loadThreads, loadPause, churnPeriod);
    }
  }

  private final String name;
  private final LocalControlPlane.Cluster cluster;
  private final KubernetesClient client;
  private final String namespace;
  private final Path logs;
  private final GroundTruth truth = new GroundTruth();
  private final Tally tally = new Tally();
  private final List<AideployProcess> operators = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private TcpForwarder forwarder;
  private AideployProcess gateway;
  private int gatewayPort;
  private int managementPort;
  private Churn churn;
  private ClusterPoller poller;
  private AuthLoad load;
  private Map<String, String> stableBefore;
  private long loadStartedAt;
  private boolean finished;

  private FaultScenario(String name, LocalControlPlane.Cluster cluster, KubernetesClient client)
      throws IOException {
    this.name = name;
    this.cluster = cluster;
    this.client = client;
    this.namespace = TestNamespaces.create(client, name);
    this.logs = Files.createTempDirectory("faults-" + name);
  }

  /**
   * Creates the namespace, its apps and tokens, starts the operator(s) and the gateway, waits until
   * every token has its value and the gateway is ready, then starts the load and the churn and
   * waits until answers are steady.
   */
  public static FaultScenario start(LocalControlPlane.Cluster cluster, String name, Options options)
      throws IOException {
    FaultScenario scenario = new FaultScenario(name, cluster, client(cluster));
    try {
      scenario.startAll(options);
    } catch (RuntimeException | IOException | Error e) {
      scenario.close();
      throw e;
    }
    return scenario;
  }

  /**
   * A client that fails fast, without retries: the churn and the checker must see a write fail
   * while the API server is away rather than wait for it.
   */
  private static KubernetesClient client(LocalControlPlane.Cluster cluster) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    config.setRequestTimeout(3_000);
    config.setConnectionTimeout(2_000);
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private void startAll(Options options) throws IOException {
    churn = Churn.prepare(client, namespace, truth, options.churnPeriod());
    for (int i = 0; i < options.operators(); i++) {
      List<String> args = new ArrayList<>(List.of("operator", "--watch-namespaces=" + namespace));
      args.add("--management-port=" + FreePorts.pick());
      if (options.operators() > 1) {
        args.add("--leader-election");
        args.add("--leader-election-namespace=" + namespace);
      }
      operators.add(jar("operator-" + i, cluster.kubeconfig(), args));
    }
    Path gatewayKubeconfig = cluster.kubeconfig();
    if (options.throughForwarder()) {
      String text = Files.readString(cluster.kubeconfig());
      URI apiServer = URI.create(Config.fromKubeconfig(text).getMasterUrl());
      forwarder = TcpForwarder.start(apiServer.getHost(), apiServer.getPort());
      int port = forwarder.port();
      gatewayKubeconfig = logs.resolve("gateway-kubeconfig");
      Files.writeString(
          gatewayKubeconfig,
          text.replace(
              "server: https://127.0.0.1:" + apiServer.getPort(),
              "server: https://127.0.0.1:" + port));
    }
    gatewayPort = FreePorts.pick();
    managementPort = FreePorts.pick();
    gateway =
        jar(
            "gateway",
            gatewayKubeconfig,
            List.of(
                "gateway",
                "--watch-namespaces=" + namespace,
                "--gateway-port=" + gatewayPort,
                "--management-port=" + managementPort,
                // The load sends revoked values on purpose; rate limiting would hide the answers.
                "--failed-auth-limit=1000000000"));
    poller = new ClusterPoller(client, namespace, truth);
    await()
        .atMost(START)
        .until(() -> truth.sample(List.copyOf(liveTokens())) != null && allValuesKnown());
    stableBefore = stableValues();
    await().atMost(START).ignoreExceptions().until(this::gatewayReady);
    loadStartedAt = System.nanoTime();
    load =
        AuthLoad.start(
            truth,
            tally,
            churn::sampled,
            () -> gatewayPort,
            options.loadThreads(),
            options.loadPause());
    churn.start();
    await().atMost(START).until(() -> tally.steadyFor(Duration.ofSeconds(2), 20));
  }

  private List<String> liveTokens() {
    return churn.live();
  }

  private boolean allValuesKnown() {
    return stableValues().size() == Churn.STABLE.size();
  }

  /** The hash of the value each stable token's Secret holds, when it matches its status. */
  private Map<String, String> stableValues() {
    Map<String, String> values = new HashMap<>();
    for (String token : Churn.STABLE) {
      AiToken aiToken =
          client.resources(AiToken.class).inNamespace(namespace).withName(token).get();
      Secret secret = client.secrets().inNamespace(namespace).withName(token).get();
      String value = TokenSecrets.value(secret);
      if (aiToken != null
          && aiToken.getStatus() != null
          && value != null
          && TokenValue.matchesHash(value, aiToken.getStatus().getTokenHash())) {
        values.put(token, aiToken.getStatus().getTokenHash());
      }
    }
    return values;
  }

  private AideployProcess jar(String role, Path kubeconfig, List<String> args) {
    return AideployProcess.start(
        cluster.projectDir(),
        kubeconfig,
        Map.of("AIDEPLOY_BASE_DOMAIN", "apps.faults.test"),
        logs.resolve(role + ".log"),
        args.toArray(String[]::new));
  }

  /** Runs the load and the churn for {@code duration} more. */
  public void run(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code breakAndHeal} under load; the fault is healed when it returns. */
  public void fault(Runnable breakAndHeal) {
    breakAndHeal.run();
    tally.healed();
  }

  /** Waits until the answers are right again, for at most {@code bound}; fails otherwise. */
  public Duration awaitRecovered(Duration bound) {
    await()
        .atMost(bound)
        .pollInterval(Duration.ofMillis(200))
        .alias("answers right again after the fault healed (" + tally + ")")
        .until(() -> tally.steadyFor(Duration.ofSeconds(2), 20));
    return tally.recovery();
  }

  /**
   * Waits until every regenerate request made so far has been served: the operator's status records
   * it and the token's Secret holds the value the status publishes. Returns how long that took.
   */
  public Duration awaitPendingApplied(Duration bound) {
    long from = System.nanoTime();
    await()
        .atMost(bound)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .alias("every regenerate request served and every Secret holding its published value")
        .until(this::settled);
    return Duration.ofNanos(System.nanoTime() - from);
  }

  private boolean settled() {
    Map<String, String> secrets = new HashMap<>();
    for (Secret secret : tokenSecrets()) {
      secrets.put(secret.getMetadata().getName(), TokenSecrets.value(secret));
    }
    for (AiToken token : client.resources(AiToken.class).inNamespace(namespace).list().getItems()) {
      if (token.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var status = token.getStatus();
      String value = secrets.get(token.getMetadata().getName());
      if (status == null
          || status.getTokenHash() == null
          || !Objects.equals(status.getRegenerateRequest(), TokenRotation.regenerateRequest(token))
          || value == null
          || !TokenValue.matchesHash(value, status.getTokenHash())) {
        return false;
      }
    }
    return true;
  }

  private List<Secret> tokenSecrets() {
    return client
        .secrets()
        .inNamespace(namespace)
        .withField("type", TokenSecrets.TYPE)
        .list()
        .getItems();
  }

  /**
   * Once everything has settled, the (current value, app) pairs the gateway still answers against
   * the API server's state (200 for a token whose selector matches the app's group, 403 for one
   * whose selector does not), after giving it {@link #RECOVERY_BOUND} to get there: evidence that
   * every change made during the fault reached it, not only those the load happened to ask about.
   */
  private List<String> unconvergedPairs() {
    List<String> wrong = new ArrayList<>();
    try {
      await()
          .atMost(RECOVERY_BOUND)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                wrong.clear();
                wrong.addAll(pairsAnsweredWrong());
                return wrong.isEmpty();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Reported: the last list of pairs still answered wrong.
    }
    return List.copyOf(wrong);
  }

  private List<String> pairsAnsweredWrong() throws IOException, InterruptedException {
    Map<String, String> values = new HashMap<>();
    for (Secret secret : tokenSecrets()) {
      values.put(secret.getMetadata().getName(), TokenSecrets.value(secret));
    }
    var apps = client.resources(io.aideploy.api.v1alpha1.AiApp.class).inNamespace(namespace).list();
    List<String> wrong = new ArrayList<>();
    for (AiToken token : client.resources(AiToken.class).inNamespace(namespace).list().getItems()) {
      String value = values.get(token.getMetadata().getName());
      if (token.getMetadata().getDeletionTimestamp() != null
          || token.getSpec().getExpiresAt() != null
          || value == null) {
        continue;
      }
      for (var app : apps.getItems()) {
        boolean inScope =
            token
                .getSpec()
                .getLabelSelector()
                .equals(Churn.GROUP + "=" + app.getMetadata().getLabels().get(Churn.GROUP));
        int status =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + gatewayPort
                                    + "/auth?app="
                                    + app.getMetadata().getUid()))
                        .header("Authorization", "Bearer " + value)
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != (inScope ? 200 : 403)) {
          wrong.add(
              token.getMetadata().getName() + " -> " + app.getMetadata().getName() + ": " + status);
        }
      }
    }
    return wrong;
  }

  /** Token Secrets beyond one per owning AiToken. */
  private int duplicateSecrets() {
    Map<String, Integer> perOwner = new HashMap<>();
    for (Secret secret : tokenSecrets()) {
      for (var owner : secret.getMetadata().getOwnerReferences()) {
        perOwner.merge(owner.getUid(), 1, Integer::sum);
      }
    }
    return perOwner.values().stream().mapToInt(n -> n - 1).sum();
  }

  /**
   * Stops the churn, waits until the operator has served every change (bounded), stops the load,
   * audits the values, and reports.
   */
  public FaultReport finish() {
    churn.close();
    Duration settled = awaitPendingApplied(PENDING_BOUND);
    load.close();
    Duration loadTime = Duration.ofNanos(System.nanoTime() - loadStartedAt);
    poller.close();
    poller.pollOnce();
    Map<String, String> stableAfter = stableValues();
    List<String> changed =
        Churn.STABLE.stream()
            .filter(t -> !Objects.equals(stableBefore.get(t), stableAfter.get(t)))
            .toList();
    FaultReport report =
        new FaultReport(
            name,
            loadTime,
            tally.decisions(),
            tally.count(Verdict.WRONG_ALLOW),
            tally.wrongAllowDetails(),
            tally.count(Verdict.WRONG_DENY),
            tally.longestWrongDeny(),
            tally.count(Verdict.UNAVAILABLE),
            tally.count(Verdict.NO_ANSWER),
            tally.recovery(),
            churn.changes(),
            churn.failedWrites(),
            truth.graceAllows(),
            truth.graceRefusals(),
            truth.spuriousRegenerations(),
            truth.spuriousDetails(),
            changed,
            duplicateSecrets(),
            settled,
            unconvergedPairs());
    System.err.println(FaultReport.header() + "\n" + report.row());
    return report;
  }

  /** {@link #finish} and {@link FaultReport#assertSafe}; the process logs are kept if it fails. */
  public FaultReport finishSafely() {
    FaultReport report = finish();
    report.assertSafe();
    finished = true;
    return report;
  }

  private boolean gatewayReady() throws IOException, InterruptedException {
    return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode()
        == 200;
  }

  /** Whether the gateway's /readyz answers 200 now (false when it does not answer). */
  public boolean isGatewayReady() {
    try {
      return gatewayReady();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public AideployProcess gateway() {
    return gateway;
  }

  public List<AideployProcess> operators() {
    return operators;
  }

  public TcpForwarder forwarder() {
    return forwarder;
  }

  public String namespace() {
    return namespace;
  }

  public KubernetesClient client() {
    return client;
  }

  public Tally tally() {
    return tally;
  }

  /** Stops everything this scenario started; the namespace goes with the test class. */
  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(load);
    all.add(churn);
    all.add(poller);
    all.add(gateway);
    all.addAll(operators);
    all.add(forwarder);
    all.add(client);
    RuntimeException failure = null;
    for (AutoCloseable closeable : all) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the scenario", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (!finished) {
      // Kept for the post-mortem.
      System.err.println("fault scenario " + name + ": process logs kept in " + logs);
    } else {
      deleteLogs();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void deleteLogs() {
    try (var files = Files.list(logs)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
      Files.delete(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
