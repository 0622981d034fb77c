package io.aideploy.gateway;

import io.aideploy.config.Settings;
import io.aideploy.config.SettingsOptions;
import io.aideploy.operator.ManagementServer;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aideploy gateway}: runs the auth gateway and the management port until stopped. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    showDefaultValues = false,
    description =
        "Run the auth gateway: /auth for ingress controllers, the login page and the lifecycle"
            + " API. Stateless; run as many replicas as needed.")
public class GatewayCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(GatewayCommand.class);

  @Mixin SettingsOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = options.toSettings();
    try {
      TrustedProxies.parse(settings.trustedProxies());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--trusted-proxies: " + e.getMessage());
    }
    if (settings.sessionKey() == null) {
      log.warn(
          "no --session-key: browser sessions are signed with a random key, so they end when this"
              + " process does and do not work across replicas");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    Vertx vertx = Vertx.vertx();
    KubernetesClient client = new KubernetesClientBuilder().build();
    GatewayRuntime runtime =
        GatewayRuntime.start(client, settings, registry, Clock.systemUTC(), vertx);
    ManagementServer management =
        ManagementServer.start(vertx, settings.managementPort(), registry, runtime::isReady);
    log.info("management port {} serves /healthz, /readyz and /metrics", management.port());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  runtime.close();
                  management.close();
                  vertx.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
