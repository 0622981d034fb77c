package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.labels.Selector;
import io.aideploy.labels.SelectorSyntaxException;
import io.aideploy.operator.ErrorMessages;
import io.aideploy.operator.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
  private InformerEventSource<AiApp, AiToken> apps;

  public AiTokenReconciler(TokenRotation rotation, EventRecorder events) {
    this.rotation = rotation;
    this.events = events;
  }

  @Override
  public List<EventSource<?, AiToken>> prepareEventSources(EventSourceContext<AiToken> context) {
    var secrets =
        InformerEventSourceConfiguration.from(Secret.class, AiToken.class)
            .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(AiToken.class))
            .build();
    // Any app change may change how many apps a token of its namespace matches.
    var appsConfig =
        InformerEventSourceConfiguration.from(AiApp.class, AiToken.class)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                app ->
                    context
                        .getPrimaryCache()
                        .list(app.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    apps = new InformerEventSource<>(appsConfig, context);
    return List.of(new InformerEventSource<>(secrets, context), apps);
  }

  @Override
  public UpdateControl<AiToken> reconcile(AiToken cached, Context<AiToken> context) {
    AiToken token = cached;
    Secret secret = context.getSecondaryResource(Secret.class).orElse(null);
    // An invalid spec never gets a value: whatever admission let through, it must not be served.
    String invalid = invalidSpec(token);
    TokenRotation.Reason reason =
        invalid != null
            ? TokenRotation.Reason.NONE
            : rotation.decide(token, TokenSecrets.value(secret));
    if (reason != TokenRotation.Reason.NONE) {
      // The informer caches can lag behind this reconciler's own last writes (the status with
      // the hash, the Secret with the value); deciding on them would issue a second value right
      // after the first. A new value is rare, so confirm it against the API server first.
      KubernetesClient client = context.getClient();
      AiToken fresh =
          client
              .resources(AiToken.class)
              .inNamespace(token.getMetadata().getNamespace())
              .withName(token.getMetadata().getName())
              .get();
      if (fresh == null) {
        return UpdateControl.noUpdate();
      }
      Secret stored =
          client
              .secrets()
              .inNamespace(token.getMetadata().getNamespace())
              .withName(TokenSecrets.secretName(token))
              .get();
      token = fresh;
      // What the label-scoped, owner-mapped cache would hold once it caught up.
      secret =
          stored != null
                  && TokenSecrets.ownedBy(stored, fresh)
                  && stored.getMetadata().getLabels() != null
                  && ReservedLabels.MANAGER.equals(
                      stored.getMetadata().getLabels().get(ReservedLabels.MANAGED_BY))
              ? stored
              : null;
      invalid = invalidSpec(token);
      reason =
          invalid != null
              ? TokenRotation.Reason.NONE
              : rotation.decide(token, TokenSecrets.value(secret));
    }
    // Not while a Pod could read the new value at once (see IssueHold): the app side deletes such
    // a Deployment once it sees this token, but both react to the token in no fixed order.
    List<IssueHold.Holder> holders =
        reason == TokenRotation.Reason.NONE ? List.of() : holders(token, context.getClient());
    boolean held = !holders.isEmpty();
    AiTokenStatus previous = token.getStatus() == null ? new AiTokenStatus() : token.getStatus();
    AiTokenStatus status = new AiTokenStatus();
    if (reason == TokenRotation.Reason.NONE || held) {
      // Held: the previous value's fields stay, so that the same reason is found again; the
      // gateway refuses the token meanwhile, as it is not Ready.
      status.setTokenHash(previous.getTokenHash());
      status.setTokenPrefix(previous.getTokenPrefix());
      status.setIssuedAt(previous.getIssuedAt());
      status.setRegenerateRequest(previous.getRegenerateRequest());
    } else {
      String value = TokenValue.generate();
      writeSecret(token, secret, value, context.getClient());
      status.setTokenHash(TokenValue.hash(value));
      status.setTokenPrefix(TokenValue.prefix(value));
      status.setIssuedAt(rotation.now().truncatedTo(ChronoUnit.SECONDS).toString());
      status.setRegenerateRequest(TokenRotation.regenerateRequest(token));
      log.info("token {} (prefix {})", reason.description(), status.getTokenPrefix());
      events.normal(
          token,
          reason == TokenRotation.Reason.FIRST_ISSUE ? "Issued" : "Regenerated",
          "Token "
              + reason.description()
              + "; new value in Secret "
              + TokenSecrets.secretName(token)
              + " (prefix "
              + status.getTokenPrefix()
              + ")");
    }
    status.setSecretName(TokenSecrets.secretName(token));
    status.setExpiresAt(token.getSpec().getExpiresAt());
    status.setScope(token.getSpec().scope());
    status.setObservedGeneration(token.getMetadata().getGeneration());
    judge(token, invalid, status, previous);
    if (held) {
      hold(token, status, previous, holders);
    }

    Optional<Duration> untilExpiry = untilExpiry(token);
    AiTokenStatus unchanged = withoutGatewayFields(previous);
    UpdateControl<AiToken> control;
    if (status.equals(unchanged)) {
      control = UpdateControl.noUpdate();
    } else {
      if (status.getPhase() != previous.getPhase()) {
        reportPhase(token, status);
      }
      token.setStatus(status);
      control = UpdateControl.patchStatus(token);
    }
    Optional<Duration> recheck = untilExpiry.map(d -> d.plus(EXPIRY_MARGIN));
    if (held) {
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
   * Why the spec cannot be served, with what to do (the CLI's hint for a selector), or null when it
   * can.
   */
  private static String invalidSpec(AiToken token) {
    try {
      Selector.parseTokenScope(token.getSpec().getLabelSelector());
    } catch (SelectorSyntaxException e) {
      return "spec.labelSelector: " + e.getMessage() + "; " + Selector.SYNTAX_HINT;
    }
    try {
      TokenRotation.expiry(token);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  /** Sets phase, matchedApps and the Ready condition; {@code invalid} as {@link #invalidSpec}. */
  private void judge(AiToken token, String invalid, AiTokenStatus status, AiTokenStatus previous) {
    if (invalid != null) {
      status.setPhase(TokenPhase.Invalid);
      status.setMatchedApps(0);
      status.setConditions(List.of(condition(false, "Invalid", invalid, token, previous)));
      return;
    }
    Selector selector = Selector.parseTokenScope(token.getSpec().getLabelSelector());
    String namespace = token.getMetadata().getNamespace();
    int matched =
        (int)
            apps.list(namespace)
                .filter(app -> selector.matches(ReservedLabels.effective(app)))
                .count();
    status.setMatchedApps(matched);
    if (rotation.isExpired(token)) {
      status.setPhase(TokenPhase.Expired);
      status.setConditions(
          List.of(
              condition(
                  false,
                  "Expired",
                  "The token expired at " + token.getSpec().getExpiresAt(),
                  token,
                  previous)));
    } else {
      status.setPhase(TokenPhase.Ready);
      status.setConditions(
          List.of(
              condition(
                  true, "Ready", "The token matches " + matched + " app(s)", token, previous)));
    }
  }

  /**
   * What keeps a new value from being written now: the aideploy Deployments of the namespace, read
   * from the API server (a value is rarely issued, so no cache for them), and the AiApps, from the
   * cache this reconciler keeps for matchedApps.
   */
  private List<IssueHold.Holder> holders(AiToken token, KubernetesClient client) {
    String namespace = token.getMetadata().getNamespace();
    List<Deployment> deployments =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withLabel(ReservedLabels.MANAGED_BY, ReservedLabels.MANAGER)
            .list()
            .getItems();
    return IssueHold.holders(
        TokenSecrets.secretName(token), deployments, apps.list(namespace).toList());
  }

  /** Reports a held value: not Ready (phase Invalid, which the gateway refuses), and why. */
  private void hold(
      AiToken token, AiTokenStatus status, AiTokenStatus previous, List<IssueHold.Holder> holders) {
    String message = IssueHold.message(TokenSecrets.secretName(token), holders);
    status.setPhase(TokenPhase.Invalid);
    status.setConditions(List.of(condition(false, IssueHold.REASON, message, token, previous)));
    Condition before = readyCondition(previous);
    // One Event when the hold starts; the condition follows the holders from then on.
    if (before == null || !IssueHold.REASON.equals(before.getReason())) {
      // Names of objects and places only, never a value.
      log.warn("value held: {}", message);
      events.warning(token, IssueHold.REASON, message);
    }
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

  private Optional<Duration> untilExpiry(AiToken token) {
    try {
      return rotation.untilExpiry(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void writeSecret(AiToken token, Secret cached, String value, KubernetesClient client) {
    Secret desired = TokenSecrets.build(token, value);
    Secret existing =
        cached != null
            ? cached
            // Not in the label-scoped cache: it may still exist, stripped of its labels.
            : client
                .secrets()
                .inNamespace(token.getMetadata().getNamespace())
                .withName(TokenSecrets.secretName(token))
                .get();
    if (existing == null) {
      client.resource(desired).create();
    } else if (TokenSecrets.ownedBy(existing, token)) {
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      client.resource(desired).update();
    } else {
      throw new IllegalStateException(
          "Secret "
              + desired.getMetadata().getName()
              + " already exists and is not owned by this AiToken: rename the token or remove"
              + " that Secret");
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
