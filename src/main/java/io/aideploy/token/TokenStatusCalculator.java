package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.labels.Selector;
import io.aideploy.labels.SelectorSyntaxException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Derives an AiToken's status from what its Secret holds and the apps of its namespace, as
 * docs/tokens.md describes. Pure: no client, no clock of its own, no side effect.
 */
public final class TokenStatusCalculator {

  private TokenStatusCalculator() {}

  /**
   * The status {@code token} should have now.
   *
   * @param issued what its Secret holds now; null, or not {@link IssuedValue#intact()}, while a new
   *     value is held back, in which case the previous status's value fields stay
   * @param apps the AiApps of the token's namespace
   * @param holders what keeps a new value from being written (empty when nothing does)
   */
  public static AiTokenStatus compute(
      AiToken token,
      IssuedValue issued,
      Collection<AiApp> apps,
      List<IssueHold.Holder> holders,
      Instant now) {
    AiTokenStatus previous = token.getStatus() == null ? new AiTokenStatus() : token.getStatus();
    AiTokenStatus status = new AiTokenStatus();
    if (issued != null && issued.intact()) {
      status.setTokenHash(issued.hash());
      status.setTokenPrefix(issued.prefix());
      status.setIssuedAt(issued.issuedAt());
      status.setRegenerateRequest(issued.answers());
      if (issued.previous() != null && issued.previous().worksAt(now)) {
        status.setPreviousTokenHash(issued.previous().hash());
        status.setPreviousValueValidUntil(issued.previous().validUntil().toString());
      }
    } else {
      // Held: the previous value's fields stay, so that the same reason is found again; the
      // gateway refuses the token meanwhile, as it is not Ready.
      status.setTokenHash(previous.getTokenHash());
      status.setTokenPrefix(previous.getTokenPrefix());
      status.setIssuedAt(previous.getIssuedAt());
      status.setRegenerateRequest(previous.getRegenerateRequest());
    }
    status.setSecretName(TokenSecrets.secretName(token));
    status.setExpiresAt(token.getSpec().getExpiresAt());
    status.setScope(token.getSpec().scope());
    status.setObservedGeneration(token.getMetadata().getGeneration());
    judge(token, status, previous, apps, now);
    if (!holders.isEmpty()) {
      status.setPhase(TokenPhase.Invalid);
      status.setConditions(
          List.of(
              ready(
                  false,
                  IssueHold.REASON,
                  IssueHold.message(TokenSecrets.secretName(token), holders),
                  token,
                  previous,
                  now)));
    }
    return status;
  }

  /** Sets phase, matchedApps and the Ready condition. */
  private static void judge(
      AiToken token,
      AiTokenStatus status,
      AiTokenStatus previous,
      Collection<AiApp> apps,
      Instant now) {
    String invalid = invalidSpec(token);
    if (invalid != null) {
      status.setPhase(TokenPhase.Invalid);
      status.setMatchedApps(0);
      status.setConditions(List.of(ready(false, "Invalid", invalid, token, previous, now)));
      return;
    }
    Selector selector = Selector.parseTokenScope(token.getSpec().getLabelSelector());
    boolean expired = TokenRotation.expiry(token).map(at -> !now.isBefore(at)).orElse(false);
    int matched =
        (int) apps.stream().filter(app -> selector.matches(ReservedLabels.effective(app))).count();
    status.setMatchedApps(matched);
    if (expired) {
      status.setPhase(TokenPhase.Expired);
      String message = "The token expired at " + token.getSpec().getExpiresAt();
      status.setConditions(List.of(ready(false, "Expired", message, token, previous, now)));
    } else {
      status.setPhase(TokenPhase.Ready);
      String message = "The token matches " + matched + " app(s)";
      status.setConditions(List.of(ready(true, "Ready", message, token, previous, now)));
    }
  }

  /**
   * Why {@code token}'s spec cannot be served, with what to do (the CLI's hint for a selector), or
   * null when it can. Such a token gets no value: whatever admission let through must not be
   * served.
   */
  public static String invalidSpec(AiToken token) {
    try {
      Selector.parseTokenScope(token.getSpec().getLabelSelector());
    } catch (SelectorSyntaxException e) {
      return "spec.labelSelector: " + e.getMessage() + "; " + AiTokenSpec.SELECTOR_SYNTAX_HINT;
    }
    try {
      TokenRotation.expiry(token);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  private static Condition ready(
      boolean ready,
      String reason,
      String message,
      AiToken token,
      AiTokenStatus previous,
      Instant now) {
    return Condition.ready(
        ready, reason, message, token.getMetadata().getGeneration(), previous.getConditions(), now);
  }
}
