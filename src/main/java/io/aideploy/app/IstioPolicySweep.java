package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.dependent.ExposureKinds;
import io.aideploy.config.Exposure;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the AuthorizationPolicies of apps that no longer exist: once when the operator starts (an
 * app deleted while it was down) and then every {@link Exposure.IstioOptions#orphanSweep()}.
 * Policies have no owner reference (they live in the Gateway's namespace) and no finalizer holds
 * the app (an uninstall must never hang on one). A policy is removed only when the API server
 * answers that its app, by namespace, name and uid, is gone; any doubt (an error, no right to read
 * the app) keeps it, as a stale policy only asks for auth on a host that nobody serves. An event
 * source only for its lifecycle: it starts and stops with the controller, and sends no events.
 */
final class IstioPolicySweep extends AbstractEventSource<Void, AiApp> {
  private static final Logger log = LoggerFactory.getLogger(IstioPolicySweep.class);

  private final Exposure exposure;
  private final EventSourceContext<AiApp> context;
  private ScheduledExecutorService timer;

  IstioPolicySweep(Exposure exposure, EventSourceContext<AiApp> context) {
    super(Void.class, "istio-policy-sweep");
    this.exposure = exposure;
    this.context = context;
  }

  @Override
  public synchronized void start() {
    super.start();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "istio-policy-sweep");
              thread.setDaemon(true);
              return thread;
            });
    long period = exposure.istio().orphanSweep().toMillis();
    timer.scheduleWithFixedDelay(this::sweepQuietly, 0, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    super.stop();
  }

  @Override
  public Set<Void> getSecondaryResources(AiApp primary) {
    return Set.of();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // The next round tries again; until then a stale policy only asks for auth.
      log.warn("Istio policy sweep failed: {}", e.getMessage());
    }
  }

  /** One round: deletes each of the operator's policies whose app is gone. */
  void sweep() {
    KubernetesClient client = context.getClient();
    var policies =
        client
            .genericKubernetesResources(
                ExposureKinds.ISTIO_AUTHORIZATION_POLICY.apiVersion(),
                ExposureKinds.ISTIO_AUTHORIZATION_POLICY.getKind())
            .inNamespace(exposure.parent().namespace())
            .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
            .list()
            .getItems();
    for (GenericKubernetesResource policy : policies) {
      if (appIsGone(policy, client)) {
        log.info(
            "deleting AuthorizationPolicy {}/{}: its app {} no longer exists",
            policy.getMetadata().getNamespace(),
            policy.getMetadata().getName(),
            IstioPolicies.app(policy));
        client.resource(policy).delete();
      }
    }
  }

  private boolean appIsGone(GenericKubernetesResource policy, KubernetesClient client) {
    String uid = policy.getMetadata().getLabels().get(ReservedLabels.ID);
    Optional<ResourceID> app = IstioPolicies.app(policy).stream().findFirst();
    if (uid == null || app.isEmpty()) {
      return false; // not one this operator wrote in full: leave it alone
    }
    ResourceID id = app.get();
    Optional<AiApp> cached = context.getPrimaryCache().get(id);
    if (cached.isPresent() && uid.equals(cached.get().getMetadata().getUid())) {
      return false;
    }
    AiApp live;
    try {
      live =
          client
              .resources(AiApp.class)
              .inNamespace(id.getNamespace().orElseThrow())
              .withName(id.getName())
              .get();
    } catch (KubernetesClientException e) {
      return false; // e.g. no right to read apps there: not proof that the app is gone
    }
    return live == null || !uid.equals(live.getMetadata().getUid());
  }
}
