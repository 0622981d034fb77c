package io.aideploy.operator;

import io.aideploy.config.Settings;
import io.aideploy.config.SettingsOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code aideploy operator}: runs the reconcilers and the management port until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    showDefaultValues = false,
    description = "Run the AiApp and AiToken reconcilers (with leader election when asked).")
public class OperatorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(OperatorCommand.class);

  @Mixin SettingsOptions options;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = options.toSettings();
    CountDownLatch stopped = new CountDownLatch(1);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    Vertx vertx = Vertx.vertx();
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorRuntime[] runtime = new OperatorRuntime[1];
    ManagementServer management =
        ManagementServer.start(
            vertx,
            settings.managementPort(),
            registry,
            () -> runtime[0] != null && runtime[0].isReady());
    log.info("management port {} serves /healthz, /readyz and /metrics", management.port());
    runtime[0] = OperatorRuntime.start(client, settings, registry, Clock.systemUTC());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  runtime[0].close();
                  management.close();
                  vertx.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
