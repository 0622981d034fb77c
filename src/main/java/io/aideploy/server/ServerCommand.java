package io.aideploy.server;

import io.aideploy.config.KubeconfigCheck;
import io.aideploy.config.Settings;
import io.aideploy.config.SettingsOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every server command shares: all settings, one Kubernetes client, one metrics registry, the
 * management port (ready when every component is), and a clean stop on SIGTERM.
 */
public abstract class ServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

  @Mixin protected SettingsOptions options;

  @Spec protected CommandSpec spec;

  /** The shared resources a component starts with. */
  public record Resources(
      KubernetesClient client,
      Settings settings,
      PrometheusMeterRegistry registry,
      Vertx vertx,
      Clock clock) {}

  /** Refuses settings this command cannot run with; message becomes a usage error. */
  protected void check(Settings settings) {}

  /** Starts this command's components, in order. */
  protected abstract List<Component> start(Resources resources);

  @Override
  public Integer call() throws InterruptedException {
    ServerSettings.refuseUnused(spec);
    Settings settings = options.toSettings();
    try {
      check(settings);
      KubeconfigCheck.checkDefault(System::getenv, Path.of(System.getProperty("user.home")));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new GcCounters().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    // epoll where Netty's native library loads (Linux x86-64), NIO elsewhere.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    log.debug("Vert.x native transport: {}", vertx.isNativeTransportEnabled());
    KubernetesClient client = new KubernetesClientBuilder().build();
    List<Component> components = new CopyOnWriteArrayList<>();
    // Serve health at once; ready only when every component has started and says so.
    ManagementServer management =
        ManagementServer.start(
            vertx,
            settings.managementPort(),
            registry,
            () -> !components.isEmpty() && components.stream().allMatch(Component::isReady));
    log.info("management port {} serves /healthz, /readyz and /metrics", management.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  components.forEach(Component::close);
                  management.close();
                  vertx.close();
                  client.close();
                  stopped.countDown();
                }));
    components.addAll(start(new Resources(client, settings, registry, vertx, Clock.systemUTC())));
    stopped.await();
    return 0;
  }
}
