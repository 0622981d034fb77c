package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.kube.ErrorMessages;
import io.aideploy.kube.EventRecorder;
import io.aideploy.kube.Statuses;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues each AiToken's value into its Secret, replaces it when asked or when the Secret lost it,
 * keeps the token's status (hash, phase, matched apps) current, marks it Expired on time, and
 * deletes the Secret with the token. The value itself never leaves this class but into the Secret,
 * and is not written there while a Pod could read it at once (see {@link IssueHold}).
 */
@ControllerConfiguration(
    name = AiTokenReconciler.NAME,
    fieldManager = "aideploy",
    // Annotations (regenerate) do not bump the generation. No update filter either: JOSDK's own
    // finalizer write must trigger the first reconcile. A status write costs one no-op reconcile.
    generationAwareEventProcessing = false)
public class AiTokenReconciler implements Reconciler<AiToken>, Cleaner<AiToken> {
  public static final String NAME = "aitoken";

  /** Margin after expiresAt before re-checking, so that the check lands after it, not before. */
  private static final Duration EXPIRY_MARGIN = Duration.ofMillis(20);

  private static final Logger log = LoggerFactory.getLogger(AiTokenReconciler.class);

  private final TokenRotation rotation;
  private final EventRecorder events;
  private final SharedFreshReads<Deployment> managedDeployments = new SharedFreshReads<>();
  private InformerEventSource<AiApp, AiToken> apps;
  private InformerEventSource<Secret, AiToken> secrets;

  public AiTokenReconciler(TokenRotation rotation, EventRecorder events) {
    this.rotation = rotation;
    this.events = events;
  }

  @Override
  public List<EventSource<?, AiToken>> prepareEventSources(EventSourceContext<AiToken> context) {
    var secretsConfig =
        InformerEventSourceConfiguration.from(Secret.class, AiToken.class)
            .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(AiToken.class))
            .build();
    // An app's labels, its existence and whether it names a token's Secret change what a token
    // of its namespace matches or waits for; its status changes nothing of that, and an app's
    // status changes often (every replica that becomes ready).
    // The reconciler reads a namespace's apps from this source's cache, never as secondaries
    // found through JOSDK's index: given a mapper from token to apps, JOSDK keeps no such index,
    // which it would otherwise update for every app event (the filter comes after it) by adding
    // the app to the set of every token of the namespace; with 1,000 tokens that was a third of
    // the operator's CPU (bench/reconcile --tokens).
    var appsConfig =
        InformerEventSourceConfiguration.from(AiApp.class, AiToken.class)
            .withNamespacesInheritedFromController()
            .withOnUpdateFilter(AiTokenReconciler::mattersToTokens)
            .withSecondaryToPrimaryMapper(
                app ->
                    context
                        .getPrimaryCache()
                        .list(app.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (AiToken token) ->
                    apps.list(token.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    apps = new InformerEventSource<>(appsConfig, context);
    this.secrets = new InformerEventSource<>(secretsConfig, context);
    return List.of(this.secrets, apps);
  }

  /** Whether an app update can change a token's status or its hold: see prepareEventSources. */
  static boolean mattersToTokens(AiApp updated, AiApp old) {
    return !Objects.equals(updated.getMetadata().getLabels(), old.getMetadata().getLabels())
        || !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || IssueHold.isRefused(updated) != IssueHold.isRefused(old);
  }

  @Override
  public UpdateControl<AiToken> reconcile(AiToken token, Context<AiToken> context) {
    Secret secret = context.getSecondaryResource(Secret.class).orElse(null);
    IssuedValue issued = TokenSecrets.issued(secret, token.getStatus());
    // An invalid spec never gets a value: whatever admission let through must not be served.
    TokenRotation.Reason reason =
        TokenStatusCalculator.invalidSpec(token) != null
            ? TokenRotation.Reason.NONE
            : rotation.decide(token, issued);
    IssuedValue.Previous replaced = null;
    if (reason == TokenRotation.Reason.REGENERATE_REQUESTED) {
      try {
        replaced = previousWorkingOn(issued, TokenRotation.grace(token));
      } catch (IllegalArgumentException e) {
        // Cutting every client off at once is what a grace period was asked to avoid: wait.
        events.warning(token, "RegenerateRefused", e.getMessage());
        reason = TokenRotation.Reason.NONE;
      }
    }
    // Not while a Pod could read the new value at once (see IssueHold): the app side deletes such
    // a Deployment once it sees this token, but both react to the token in no fixed order.
    List<IssueHold.Holder> holders =
        reason == TokenRotation.Reason.NONE ? List.of() : holders(token, context.getClient());
    if (reason != TokenRotation.Reason.NONE && holders.isEmpty()) {
      issued =
          IssuedValue.generate(rotation.now(), TokenRotation.regenerateRequest(token), replaced);
      writeSecret(token, secret, issued, context);
      reportIssued(token, reason, issued);
    } else if (issued != null && issued.intact() && !issued.described()) {
      // Written before Secrets described themselves: the same value, now with its description.
      issued = issued.describedBySecret();
      writeSecret(token, secret, issued, context);
    }

    String namespace = token.getMetadata().getNamespace();
    AiTokenStatus previous = token.getStatus() == null ? new AiTokenStatus() : token.getStatus();
    AiTokenStatus status =
        TokenStatusCalculator.compute(
            token, issued, apps.list(namespace).toList(), holders, rotation.now());
    if (!holders.isEmpty()) {
      reportHold(token, status, previous);
    }

    UpdateControl<AiToken> control;
    if (Statuses.same(status, withoutGatewayFields(previous))) {
      control = UpdateControl.noUpdate();
    } else {
      if (status.getPhase() != previous.getPhase()) {
        reportPhase(token, status);
      }
      token.setStatus(status);
      control = UpdateControl.patchStatus(token);
    }
    Optional<Duration> recheck = untilExpiry(token).map(d -> d.plus(EXPIRY_MARGIN));
    // Clear the previous value from the status when its time is up (the gateway refuses it by
    // the clock already).
    Optional<Duration> untilPreviousEnds = untilPreviousEnds(issued);
    if (untilPreviousEnds.isPresent()
        && recheck.map(d -> d.compareTo(untilPreviousEnds.get()) > 0).orElse(true)) {
      recheck = untilPreviousEnds;
    }
    if (!holders.isEmpty()) {
      Duration retry = IssueHold.retryAfter(heldFor(status));
      recheck = Optional.of(recheck.filter(d -> d.compareTo(retry) < 0).orElse(retry));
    }
    recheck.ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<AiToken> updateErrorStatus(
      AiToken token, Context<AiToken> context, Exception e) {
    if (ErrorMessages.isConflict(e)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    String message = ErrorMessages.of(e);
    log.warn("reconcile failed: {}", message);
    events.warning(token, "ReconcileError", message);
    AiTokenStatus status = token.getStatus() == null ? new AiTokenStatus() : token.getStatus();
    status.setLastUsedAt(null);
    status.setSessionsNotBefore(null);
    status.setConditions(
        List.of(condition(false, "ReconcileError", message, token, token.getStatus())));
    token.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(token);
  }

  /** Deletes the Secret itself: the value must die with the token, not whenever the GC runs. */
  @Override
  public DeleteControl cleanup(AiToken token, Context<AiToken> context) {
    // Read it from the API server: an orphaning delete may already have stripped the owner
    // reference that maps the cached Secret to this token.
    Secret secret =
        context
            .getClient()
            .secrets()
            .inNamespace(token.getMetadata().getNamespace())
            .withName(TokenSecrets.secretName(token))
            .get();
    if (secret != null && TokenSecrets.ownedBy(secret, token)) {
      context.getClient().resource(secret).delete();
      log.info("deleted Secret {}", secret.getMetadata().getName());
    }
    return DeleteControl.defaultDelete();
  }

  /**
   * What keeps a new value from being written now: the aideploy Deployments of the namespace, read
   * from the API server (a value is rarely issued, so no cache for them; tokens issued together
   * share a read that began after they asked), and the AiApps, from the cache this reconciler keeps
   * for matchedApps.
   */
  private List<IssueHold.Holder> holders(AiToken token, KubernetesClient client) {
    String namespace = token.getMetadata().getNamespace();
    List<Deployment> deployments =
        managedDeployments.get(
            namespace,
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withLabel(ReservedLabels.MANAGED_BY, ReservedLabels.MANAGER)
                    .list()
                    .getItems());
    return IssueHold.holders(
        TokenSecrets.secretName(token), deployments, apps.list(namespace).toList());
  }

  private Duration heldFor(AiTokenStatus status) {
    Condition ready = readyCondition(status);
    try {
      return Duration.between(Instant.parse(ready.getLastTransitionTime()), rotation.now());
    } catch (RuntimeException e) {
      return Duration.ZERO;
    }
  }

  private static Condition readyCondition(AiTokenStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> Condition.READY.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** The current value, working on for {@code grace} after it is replaced; null for no grace. */
  private IssuedValue.Previous previousWorkingOn(IssuedValue current, Duration grace) {
    if (grace.isZero() || current == null || !current.intact()) {
      return null;
    }
    return new IssuedValue.Previous(
        current.hash(), rotation.now().plus(grace).truncatedTo(ChronoUnit.SECONDS));
  }

  private Optional<Duration> untilPreviousEnds(IssuedValue issued) {
    if (issued == null || issued.previous() == null) {
      return Optional.empty();
    }
    Instant now = rotation.now();
    return issued.previous().worksAt(now)
        ? Optional.of(Duration.between(now, issued.previous().validUntil()).plus(EXPIRY_MARGIN))
        : Optional.empty();
  }

  private Optional<Duration> untilExpiry(AiToken token) {
    try {
      return rotation.untilExpiry(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes the Secret and hands the written version to the Secret cache, so that the next reconcile
   * sees this write even before the watch delivers it (JOSDK's recent-write cache).
   */
  private void writeSecret(
      AiToken token, Secret cached, IssuedValue issued, Context<AiToken> context) {
    KubernetesClient client = context.getClient();
    ResourceID primary = ResourceID.fromResource(token);
    Secret desired = TokenSecrets.build(token, issued);
    Secret existing = cached;
    if (existing == null) {
      try {
        secrets.handleRecentResourceCreate(primary, client.resource(desired).create());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Not in the label-scoped cache, yet there: stripped of its labels, or not ours. A rare
        // case, so one read settles it.
        existing =
            client
                .secrets()
                .inNamespace(token.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName())
                .get();
        if (existing == null) {
          throw e; // gone again meanwhile: the retry creates it
        }
      }
    }
    if (!TokenSecrets.ownedBy(existing, token)) {
      throw new IllegalStateException(
          "Secret "
              + desired.getMetadata().getName()
              + " already exists and is not owned by this AiToken: rename the token or remove"
              + " that Secret");
    }
    // Optimistic locking: a Secret changed since the cache saw it is a conflict, and the retry
    // decides again on the newer version.
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    secrets.handleRecentResourceUpdate(primary, client.resource(desired).update(), existing);
  }

  private void reportIssued(AiToken token, TokenRotation.Reason reason, IssuedValue issued) {
    log.info("token {} (prefix {})", reason.description(), issued.prefix());
    events.normal(
        token,
        reason == TokenRotation.Reason.FIRST_ISSUE ? "Issued" : "Regenerated",
        "Token "
            + reason.description()
            + "; new value in Secret "
            + TokenSecrets.secretName(token)
            + " (prefix "
            + issued.prefix()
            + ")");
  }

  /** One Event when a hold starts; the condition follows the holders from then on. */
  private void reportHold(AiToken token, AiTokenStatus status, AiTokenStatus previous) {
    Condition before = readyCondition(previous);
    if (before == null || !IssueHold.REASON.equals(before.getReason())) {
      String message = readyCondition(status).getMessage();
      // Names of objects and places only, never a value.
      log.warn("value held: {}", message);
      events.warning(token, IssueHold.REASON, message);
    }
  }

  private void reportPhase(AiToken token, AiTokenStatus status) {
    log.info("phase {}", status.getPhase());
    if (status.getPhase() == TokenPhase.Expired) {
      events.warning(token, "Expired", "The token expired at " + token.getSpec().getExpiresAt());
    } else if (status.getPhase() == TokenPhase.Invalid
        && !IssueHold.REASON.equals(status.getConditions().get(0).getReason())) {
      // A held value has its own Event (see hold).
      events.warning(token, "Invalid", status.getConditions().get(0).getMessage());
    }
  }

  private Condition condition(
      boolean ready, String reason, String message, AiToken token, AiTokenStatus previous) {
    return Condition.ready(
        ready,
        reason,
        message,
        token.getMetadata().getGeneration(),
        previous == null ? null : previous.getConditions(),
        rotation.now());
  }

  /**
   * lastUsedAt and sessionsNotBefore belong to the gateway: the operator neither compares nor
   * writes them.
   */
  private static AiTokenStatus withoutGatewayFields(AiTokenStatus status) {
    AiTokenStatus copy = io.fabric8.kubernetes.client.utils.Serialization.clone(status);
    copy.setLastUsedAt(null);
    copy.setSessionsNotBefore(null);
    return copy;
  }
}
