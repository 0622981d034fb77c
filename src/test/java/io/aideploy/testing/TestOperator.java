package io.aideploy.testing;

import io.aideploy.config.Settings;
import io.aideploy.operator.OperatorRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/** Runs the operator in-process against the local control plane, as {@code aideploy operator}. */
public final class TestOperator implements AutoCloseable {
  public static final String BASE_DOMAIN = "apps.test.local";
  public static final URI GATEWAY_URL = URI.create("http://gateway.test.svc:8080");
  public static final URI LOGIN_URL = URI.create("https://login.apps.test.local/login");

  private final OperatorRuntime runtime;
  private final ReconcileLog reconciles;

  private TestOperator(OperatorRuntime runtime, ReconcileLog reconciles) {
    this.runtime = runtime;
    this.reconciles = reconciles;
  }

  /**
   * Settings naming the test hosts, with the management and gateway servers on any free port and
   * the ingress class the test ingress stacks serve.
   */
  public static Settings settings() {
    return Settings.builder()
        .baseDomain(BASE_DOMAIN)
        .gatewayUrl(GATEWAY_URL)
        .loginUrl(LOGIN_URL)
        .ingressClass("nginx")
        .gatewayPort(0)
        .managementPort(0)
        .build();
  }

  /** {@link #settings()} watching {@code namespace} only. */
  public static Settings settingsWatching(String namespace) {
    return settings().toBuilder().watchNamespaces(Set.of(namespace)).build();
  }

  /** Starts the operator with {@link #settings()} and returns once its informers have synced. */
  public static TestOperator start(KubernetesClient client) {
    return start(client, settings());
  }

  public static TestOperator start(KubernetesClient client, Settings settings) {
    ReconcileLog reconciles = new ReconcileLog();
    return new TestOperator(
        OperatorRuntime.start(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), reconciles),
        reconciles);
  }

  /** What this operator has reconciled: evidence for "nothing happened" checks. */
  public ReconcileLog reconciles() {
    return reconciles;
  }

  public boolean isReady() {
    return runtime.isReady();
  }

  @Override
  public void close() {
    runtime.close();
  }
}
