package io.aideploy.operator;

import io.aideploy.app.AiAppReconciler;
import io.aideploy.config.Settings;
import io.aideploy.kube.EventRecorder;
import io.aideploy.server.Component;
import io.aideploy.token.AiTokenReconciler;
import io.aideploy.token.TokenRotation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running reconcilers: builds the JOSDK operator from the settings and starts it. */
public final class OperatorRuntime implements Component {
  private static final Logger log = LoggerFactory.getLogger(OperatorRuntime.class);
  static final String LEASE_NAME = "aideploy-operator";
  private static final Path POD_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

  private final Operator operator;

  private OperatorRuntime(Operator operator) {
    this.operator = operator;
  }

  /**
   * Registers the reconcilers and starts them; returns once their informers have synced (or, with
   * leader election, once the election has begun).
   */
  public static OperatorRuntime start(
      KubernetesClient client, Settings settings, MeterRegistry registry, Clock clock) {
    return start(client, settings, registry, clock, Metrics.NOOP);
  }

  /**
   * As {@link #start(KubernetesClient, Settings, MeterRegistry, Clock)}, with {@code observer} told
   * of every reconciliation too (tests wait on it for evidence that a reconcile ran).
   */
  public static OperatorRuntime start(
      KubernetesClient client,
      Settings settings,
      MeterRegistry registry,
      Clock clock,
      Metrics observer) {
    Metrics micrometer =
        MicrometerMetrics.newMicrometerMetricsBuilder(registry)
            .notCollectingMetricsPerResource()
            .build();
    // Once, outside the overrider: JOSDK applies that twice, which logged two identities.
    String identity = leaderIdentity();
    if (settings.leaderElection()) {
      log.info("taking part in leader election for Lease {} as {}", LEASE_NAME, identity);
    }
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(new AggregatedMetrics(List.of(micrometer, observer)));
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        LEASE_NAME,
                        leaseNamespace(settings),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        identity,
                        new LeaderCallbacks(
                            () -> {}, OperatorRuntime::lostLeadership, leader -> {}),
                        false));
              }
            });
    EventRecorder events = new EventRecorder(client, clock);
    operator.register(
        new AiAppReconciler(settings, events, clock), config -> watchNamespaces(config, settings));
    operator.register(
        new AiTokenReconciler(new TokenRotation(clock), events),
        config -> watchNamespaces(config, settings));
    operator.start();
    log.info(
        "operator started, watching {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces());
    return new OperatorRuntime(operator);
  }

  private static void watchNamespaces(
      ControllerConfigurationOverrider<?> config, Settings settings) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  /** Ready once started and every informer is connected and synced. */
  public boolean isReady() {
    var info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  /**
   * A replica that loses the lease while running must stop reconciling: it exits and Kubernetes
   * restarts it as a standby. JOSDK's own exit would run on the elector's thread, which a clean
   * shutdown (SIGTERM, releasing the lease) waits for: a deadlock. So exit from a fresh thread, and
   * not at all when the loss is our own shutdown.
   */
  private static void lostLeadership() {
    if (!SHUTTING_DOWN.get()) {
      log.error("lost the leader-election lease; exiting so that a standby takes over");
      new Thread(() -> System.exit(1), "exit-on-lost-lease").start();
    }
  }

  /** The pod name (HOSTNAME in a pod), made unique so that two processes never share it. */
  private static String leaderIdentity() {
    String host = System.getenv().getOrDefault("HOSTNAME", "aideploy");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String leaseNamespace(Settings settings) {
    if (settings.leaderElectionNamespace() != null) {
      return settings.leaderElectionNamespace();
    }
    try {
      return Files.exists(POD_NAMESPACE) ? Files.readString(POD_NAMESPACE).trim() : "default";
    } catch (java.io.IOException e) {
      return "default";
    }
  }

  @Override
  public void close() {
    SHUTTING_DOWN.set(true);
    operator.stop();
  }
}
