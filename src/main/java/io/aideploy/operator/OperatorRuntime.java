package io.aideploy.operator;

import io.aideploy.app.AiAppReconciler;
import io.aideploy.config.Settings;
import io.aideploy.server.Component;
import io.aideploy.token.AiTokenReconciler;
import io.aideploy.token.TokenRotation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running reconcilers: builds the JOSDK operator from the settings and starts it. */
public final class OperatorRuntime implements Component {
  private static final Logger log = LoggerFactory.getLogger(OperatorRuntime.class);
  static final String LEASE_NAME = "aideploy-operator";
  private static final Path POD_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

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
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(
                      MicrometerMetrics.newMicrometerMetricsBuilder(registry)
                          .notCollectingMetricsPerResource()
                          .build());
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(LEASE_NAME, leaseNamespace(settings)));
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
    operator.stop();
  }
}
