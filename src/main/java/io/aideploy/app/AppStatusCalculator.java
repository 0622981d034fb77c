package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Derives an AiApp's status from its Deployment and Pods, as docs/apps.md describes. */
public final class AppStatusCalculator {

  /** Container waiting reasons that mean the app cannot start without a change. */
  private static final Set<String> FAILING_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CrashLoopBackOff",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private AppStatusCalculator() {}

  /** A phase with the reason and message of the Ready condition that goes with it. */
  record Observation(AppPhase phase, String reason, String message) {}

  /** The status {@code app} should have now; {@code deployment} is null before it exists. */
  public static AiAppStatus compute(
      AiApp app, Deployment deployment, Collection<Pod> pods, Settings settings, Instant now) {
    Observation observed = observe(app, deployment, pods);
    AiAppStatus status = new AiAppStatus();
    String appId = app.getMetadata().getUid();
    status.setAppId(appId);
    status.setUrl(settings.appUrl(appId));
    status.setPhase(observed.phase());
    DeploymentStatus deploymentStatus = deployment == null ? null : deployment.getStatus();
    status.setReplicas(deploymentStatus == null ? 0 : orZero(deploymentStatus.getReplicas()));
    status.setAvailableReplicas(
        deploymentStatus == null ? 0 : orZero(deploymentStatus.getAvailableReplicas()));
    status.setObservedGeneration(app.getMetadata().getGeneration());
    status.setConditions(
        List.of(
            readyCondition(
                observed.phase() == AppPhase.Running,
                observed.reason(),
                observed.message(),
                app,
                now)));
    return status;
  }

  /**
   * {@code computed} with phase Failed and a Ready=False condition of {@code reason}: the app's
   * replicas may run, but nobody can reach them.
   */
  public static AiAppStatus notReady(
      AiApp app, AiAppStatus computed, String reason, String message, Instant now) {
    AiAppStatus status = Serialization.clone(computed);
    status.setPhase(AppPhase.Failed);
    status.setConditions(List.of(readyCondition(false, reason, message, app, now)));
    return status;
  }

  /** A Ready=False condition for an error the reconciler hit, keeping the rest of the status. */
  public static AiAppStatus withError(AiApp app, String message, Instant now) {
    AiAppStatus status = app.getStatus() == null ? new AiAppStatus() : app.getStatus();
    status.setPhase(AppPhase.Failed);
    status.setObservedGeneration(app.getMetadata().getGeneration());
    status.setConditions(List.of(readyCondition(false, "ReconcileError", message, app, now)));
    return status;
  }

  /**
   * A Failed status for an app refused before its workflow ran: the Ready condition gives {@code
   * reason}; replicas are kept as last seen, since the children were left as they were.
   */
  public static AiAppStatus refused(
      AiApp app, String reason, String message, Settings settings, Instant now) {
    return refused(app, reason, message, false, settings, now);
  }

  /**
   * As {@link #refused(AiApp, String, String, Settings, Instant)}; when {@code deploymentRemoved},
   * the Deployment was deleted, so replicas are 0.
   */
  public static AiAppStatus refused(
      AiApp app,
      String reason,
      String message,
      boolean deploymentRemoved,
      Settings settings,
      Instant now) {
    // A copy: the caller compares the result with the app's current status.
    AiAppStatus status =
        app.getStatus() == null ? new AiAppStatus() : Serialization.clone(app.getStatus());
    String appId = app.getMetadata().getUid();
    status.setAppId(appId);
    status.setUrl(settings.appUrl(appId));
    status.setPhase(AppPhase.Failed);
    status.setReplicas(
        deploymentRemoved || status.getReplicas() == null ? 0 : status.getReplicas());
    status.setAvailableReplicas(
        deploymentRemoved || status.getAvailableReplicas() == null
            ? 0
            : status.getAvailableReplicas());
    status.setObservedGeneration(app.getMetadata().getGeneration());
    status.setConditions(List.of(readyCondition(false, reason, message, app, now)));
    return status;
  }

  static Observation observe(AiApp app, Deployment deployment, Collection<Pod> pods) {
    if (app.getMetadata().getDeletionTimestamp() != null) {
      return new Observation(AppPhase.Deleting, "Deleting", "The app is being deleted.");
    }
    if (deployment == null) {
      return new Observation(AppPhase.Queued, "Queued", "The Deployment is not created yet.");
    }
    DeploymentStatus status =
        deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
    int current = orZero(status.getReplicas());
    int available = orZero(status.getAvailableReplicas());
    int updated = orZero(status.getUpdatedReplicas());
    int desired = orZero(deployment.getSpec().getReplicas());
    if (app.getSpec().getState() == AppState.Stopped || desired == 0) {
      return current > 0
          ? new Observation(
              AppPhase.Stopping, "Stopping", current + " replica(s) still shutting down.")
          : new Observation(AppPhase.Stopped, "Stopped", "The app is scaled to zero.");
    }
    Optional<String> failure = failure(deployment, pods);
    if (failure.isPresent() && available < desired) {
      return new Observation(AppPhase.Failed, "ReplicaFailure", failure.get());
    }
    if (available == 0) {
      return new Observation(
          AppPhase.Initializing, "NoReplicaAvailable", "Waiting for a replica to become ready.");
    }
    if (current == desired && updated == desired && available >= desired) {
      return new Observation(
          AppPhase.Running, "AllReplicasAvailable", available + " replica(s) available.");
    }
    return new Observation(
        AppPhase.Scaling,
        "Scaling",
        available + " of " + desired + " replica(s) available, " + current + " present.");
  }

  private static Optional<String> failure(Deployment deployment, Collection<Pod> pods) {
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
        continue;
      }
      for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
        var waiting = container.getState() == null ? null : container.getState().getWaiting();
        if (waiting != null && FAILING_REASONS.contains(waiting.getReason())) {
          String detail = waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
          return Optional.of(
              "Container " + container.getName() + " is in " + waiting.getReason() + detail);
        }
      }
    }
    List<DeploymentCondition> conditions =
        deployment.getStatus() == null ? List.of() : deployment.getStatus().getConditions();
    for (DeploymentCondition condition : conditions) {
      boolean deadline =
          "Progressing".equals(condition.getType())
              && "False".equals(condition.getStatus())
              && "ProgressDeadlineExceeded".equals(condition.getReason());
      boolean replicaFailure =
          "ReplicaFailure".equals(condition.getType()) && "True".equals(condition.getStatus());
      if (deadline || replicaFailure) {
        return Optional.of(condition.getMessage());
      }
    }
    return Optional.empty();
  }

  private static Condition readyCondition(
      boolean ready, String reason, String message, AiApp app, Instant now) {
    return Condition.ready(
        ready,
        reason,
        message,
        app.getMetadata().getGeneration(),
        app.getStatus() == null ? null : app.getStatus().getConditions(),
        now);
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
