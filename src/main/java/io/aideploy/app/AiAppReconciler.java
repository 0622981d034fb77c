package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.app.dependent.DeploymentDependent;
import io.aideploy.app.dependent.HorizontalPodAutoscalerDependent;
import io.aideploy.app.dependent.ServiceDependent;
import io.aideploy.config.Settings;
import io.aideploy.kube.ErrorMessages;
import io.aideploy.kube.EventRecorder;
import io.aideploy.kube.Statuses;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.secrets.PodSecrets;
import io.aideploy.secrets.TokenSecretReferences;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an AiApp into its Deployment, Service, exposure (Ingress, or HTTPRoute and auth attachment,
 * see {@link AppExposure}) and (when autoscaling) HPA, enforces its reserved labels ({@link
 * ReservedLabelStamp}), and reports its phase. The workflow is invoked explicitly so that the
 * settings can be handed to the dependents first.
 */
@ControllerConfiguration(
    name = AiAppReconciler.NAME,
    fieldManager = "aideploy",
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = AiAppReconciler.SpecOrMetadataChanged.class))
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = DeploymentDependent.class),
      @Dependent(type = ServiceDependent.class),
      @Dependent(
          type = HorizontalPodAutoscalerDependent.class,
          reconcilePrecondition = HorizontalPodAutoscalerDependent.Enabled.class)
    })
public class AiAppReconciler implements Reconciler<AiApp> {
  public static final String NAME = "aiapp";

  /** Reason of the Warning Event written when a refused app's Deployment is deleted. */
  public static final String DEPLOYMENT_DELETED = "DeploymentDeleted";

  private static final Logger log = LoggerFactory.getLogger(AiAppReconciler.class);

  private final Settings settings;
  private final EventRecorder events;
  private final ReservedLabelStamp reservedLabels;
  private final Clock clock;
  private InformerEventSource<AiToken, AiApp> tokens;
  private InformerEventSource<Secret, AiApp> tokenSecrets;
  private AppExposure exposure;

  public AiAppReconciler(Settings settings, EventRecorder events, Clock clock) {
    this.settings = settings;
    this.events = events;
    this.reservedLabels = new ReservedLabelStamp(events);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, AiApp>> prepareEventSources(EventSourceContext<AiApp> context) {
    // Pods reveal image-pull and crash-loop failures that the Deployment's status does not.
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, AiApp.class)
            .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                pod -> {
                  String app =
                      pod.getMetadata().getLabels().get(DeploymentDependent.APP_NAME_LABEL);
                  return app == null
                      ? Set.of()
                      : Set.of(new ResourceID(app, pod.getMetadata().getNamespace()));
                })
            .build();
    // AiTokens, and Secrets of the token type, to refuse apps that would read a token's value.
    // Their events re-reconcile the apps that reference them, so an app whose reference turns
    // into a token Secret later is flagged then too.
    // Only their existence matters here (a token's status, a Secret's data do not), so updates
    // are filtered out: each one would scan the namespace's apps. The reconciler looks them up by
    // name in these sources; the mapper from app to them keeps JOSDK from maintaining its own
    // index, which it would update on every event, filtered or not.
    var tokenConfig =
        InformerEventSourceConfiguration.from(AiToken.class, AiApp.class)
            .withNamespacesInheritedFromController()
            .withOnUpdateFilter((token, old) -> false)
            .withSecondaryToPrimaryMapper(token -> appsReferencing(token, context))
            .withPrimaryToSecondaryMapper(AiAppReconciler::secretsReferenced)
            .build();
    // By type, not by the token reconciler's managed-by label: a token Secret stripped of its
    // labels still holds a value. The type of a Secret cannot change once it is created.
    var secretConfig =
        InformerEventSourceConfiguration.from(Secret.class, AiApp.class)
            .withFieldSelector(
                new FieldSelector(new FieldSelector.Field("type", TokenSecrets.TYPE)))
            .withNamespacesInheritedFromController()
            .withOnUpdateFilter((secret, old) -> false)
            .withSecondaryToPrimaryMapper(secret -> appsReferencing(secret, context))
            .withPrimaryToSecondaryMapper(AiAppReconciler::secretsReferenced)
            .build();
    tokens = new InformerEventSource<>(tokenConfig, context);
    tokenSecrets = new InformerEventSource<>(secretConfig, context);
    exposure = AppExposure.of(settings, context);
    List<EventSource<?, AiApp>> sources =
        new ArrayList<>(List.of(new InformerEventSource<>(pods, context), tokens, tokenSecrets));
    sources.addAll(exposure.eventSources(context));
    return sources;
  }

  /**
   * The apps of {@code secretOrToken}'s namespace that reference a Secret of its name, and those
   * already refused: a refused app's Deployment was left as an earlier spec made it, and may name
   * this Secret though the current spec does not.
   */
  private static Set<ResourceID> appsReferencing(
      HasMetadata secretOrToken, EventSourceContext<AiApp> context) {
    String name = secretOrToken.getMetadata().getName();
    return context
        .getPrimaryCache()
        .list(secretOrToken.getMetadata().getNamespace())
        .filter(
            app ->
                TokenSecretReferences.secretNames(app.getSpec()).contains(name) || isRefused(app))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** The Secrets (and the AiTokens of the same names) that {@code app}'s spec names. */
  private static Set<ResourceID> secretsReferenced(AiApp app) {
    return TokenSecretReferences.secretNames(app.getSpec()).stream()
        .map(name -> new ResourceID(name, app.getMetadata().getNamespace()))
        .collect(Collectors.toSet());
  }

  private static boolean isRefused(AiApp app) {
    return TokenSecretReferences.REASON.equals(readyReason(app));
  }

  /** The reason of {@code app}'s Ready condition as last written; null before there is one. */
  private static String readyReason(AiApp app) {
    var conditions = app.getStatus() == null ? null : app.getStatus().getConditions();
    return conditions == null || conditions.isEmpty() ? null : conditions.get(0).getReason();
  }

  @Override
  public UpdateControl<AiApp> reconcile(AiApp resource, Context<AiApp> context) {
    AiApp app = reservedLabels.enforce(resource, context.getClient());
    String namespace = app.getMetadata().getNamespace();
    List<TokenSecretReferences.Reference> toTokens =
        TokenSecretReferences.toTokenSecrets(
            app.getSpec(), secret -> isTokenSecret(namespace, secret));
    if (!toTokens.isEmpty()) {
      // Before the workflow: no child is created or changed, and an existing Deployment keeps
      // the spec it had, unless that spec itself reads a token Secret (a reference written
      // before the token existed): then the Deployment is deleted, so that no Pod of this app
      // starts, or restarts a container, with the token's value.
      Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
      boolean removed =
          deleteIfItReadsATokenSecret(app, deployment, context) || stillRemoved(app, deployment);
      return refuse(app, TokenSecretReferences.message(toTokens, removed), removed);
    }
    AppContext.prepare(context, settings);
    context
        .managedWorkflowAndDependentResourceContext()
        .reconcileManagedWorkflow()
        .throwAggregateExceptionIfErrorsPresent();
    Optional<String> notExposed = exposure.reconcile(app, context);
    reportChanges(app, AppContext.changes(context));

    Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    AiAppStatus computed = AppStatusCalculator.compute(app, deployment, pods, settings, now());
    AiAppStatus status =
        notExposed
            .map(
                message ->
                    AppStatusCalculator.notReady(
                        app, computed, AppExposure.NOT_INSTALLED, message, now()))
            .orElse(computed);
    if (Statuses.same(status, app.getStatus())) {
      return UpdateControl.noUpdate();
    }
    if (notExposed.isPresent() && !AppExposure.NOT_INSTALLED.equals(readyReason(app))) {
      log.warn("not exposed: {}", notExposed.get());
      events.warning(app, AppExposure.NOT_INSTALLED, notExposed.get());
    }
    reportPhaseChange(app, status.getPhase());
    app.setStatus(status);
    return UpdateControl.patchStatus(app);
  }

  /**
   * Whether {@code secret} holds a token's value: an AiToken of that name exists (its Secret has
   * its name, whether written yet or not), or a Secret of that name has the token type. Both
   * answers come from the informers' caches, not from the API server.
   */
  private boolean isTokenSecret(String namespace, String secret) {
    ResourceID id = new ResourceID(secret, namespace);
    return tokens.get(id).isPresent() || tokenSecrets.get(id).isPresent();
  }

  /**
   * Deletes {@code deployment} if its pod template names a token Secret anywhere (env, envFrom,
   * volumes, see {@link PodSecrets}); returns whether it did. Foreground propagation: the API
   * server marks the Deployment deleted at once (no new ReplicaSet), the garbage collector then
   * marks its ReplicaSets (no new Pod) and deletes their Pods, and the Deployment disappears only
   * once they are gone.
   */
  private boolean deleteIfItReadsATokenSecret(
      AiApp app, Deployment deployment, Context<AiApp> context) {
    if (deployment == null || deployment.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String namespace = app.getMetadata().getNamespace();
    List<PodSecrets.Use> uses =
        PodSecrets.matching(PodSecrets.of(deployment), s -> isTokenSecret(namespace, s));
    if (uses.isEmpty()) {
      return false;
    }
    String name = deployment.getMetadata().getName();
    context
        .getClient()
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();
    // Names of places and Secrets only, never a value.
    String message =
        "Deleted Deployment "
            + name
            + " and its Pods, as its pod template reads a Secret that holds an AiToken's value ("
            + PodSecrets.describe(uses)
            + "). It is created again once the app no longer references a token Secret.";
    log.warn("{}", message);
    events.warning(app, DEPLOYMENT_DELETED, message);
    return true;
  }

  /**
   * Whether an earlier refusal deleted the Deployment and it has not come back: the condition then
   * keeps saying so, rather than flipping back (and writing another Event) once it is gone.
   */
  private static boolean stillRemoved(AiApp app, Deployment deployment) {
    if (deployment != null && deployment.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    if (!isRefused(app)) {
      return false;
    }
    String message = app.getStatus().getConditions().get(0).getMessage();
    return message != null && message.contains(TokenSecretReferences.DEPLOYMENT_DELETED);
  }

  private UpdateControl<AiApp> refuse(AiApp app, String message, boolean deploymentRemoved) {
    AiAppStatus status =
        AppStatusCalculator.refused(
            app, TokenSecretReferences.REASON, message, deploymentRemoved, settings, now());
    if (Statuses.same(status, app.getStatus())) {
      return UpdateControl.noUpdate();
    }
    // The message names variables and Secrets only, never a value.
    log.warn("refused: {}", message);
    events.warning(app, TokenSecretReferences.REASON, message);
    app.setStatus(status);
    return UpdateControl.patchStatus(app);
  }

  @Override
  public ErrorStatusUpdateControl<AiApp> updateErrorStatus(
      AiApp app, Context<AiApp> context, Exception e) {
    if (ErrorMessages.isConflict(e)) {
      // A write raced with another change; the retry reads the new version. Not worth a status.
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    String message = ErrorMessages.of(e);
    log.warn("reconcile failed: {}", message);
    events.warning(app, "ReconcileError", message);
    app.setStatus(AppStatusCalculator.withError(app, message, now()));
    return ErrorStatusUpdateControl.patchStatus(app);
  }

  private void reportChanges(AiApp app, AppContext.Changes changes) {
    if (!changes.created().isEmpty()) {
      String what = String.join(", ", changes.created());
      log.info("created {}", what);
      events.normal(app, "Created", "Created " + what);
    }
    if (!changes.updated().isEmpty()) {
      String what = String.join(", ", changes.updated());
      log.info("updated {}", what);
      events.normal(app, "Updated", "Updated " + what);
    }
  }

  private void reportPhaseChange(AiApp app, AppPhase phase) {
    AppPhase previous = app.getStatus() == null ? null : app.getStatus().getPhase();
    if (phase == previous) {
      return;
    }
    log.info("phase {} -> {}", previous, phase);
    if (phase == AppPhase.Stopped) {
      events.normal(app, "Stopped", "The app is stopped (scaled to zero)");
    } else if ((previous == AppPhase.Stopped || previous == AppPhase.Stopping)
        && phase != AppPhase.Stopping) {
      events.normal(app, "Started", "The app is starting");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * Reconciles on spec changes and on label, annotation or deletion changes (which do not bump the
   * generation), but not on the operator's own status writes.
   */
  public static class SpecOrMetadataChanged implements OnUpdateFilter<AiApp> {
    @Override
    public boolean accept(AiApp updated, AiApp old) {
      return !Objects.equals(
              updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
          || !Objects.equals(updated.getMetadata().getLabels(), old.getMetadata().getLabels())
          || !Objects.equals(
              updated.getMetadata().getAnnotations(), old.getMetadata().getAnnotations())
          || !Objects.equals(
              updated.getMetadata().getDeletionTimestamp(),
              old.getMetadata().getDeletionTimestamp());
    }
  }
}
