package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.config.KubectlDuration;
import io.aideploy.kube.Rfc3339;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * When a token needs a new value, and when it expires. A value is issued once and replaced only on
 * request (the regenerate annotation) or when its Secret is gone or no longer holds it — never by a
 * plain reconcile, a restart or a leader change.
 */
public final class TokenRotation {
  private final Clock clock;

  public TokenRotation(Clock clock) {
    this.clock = clock;
  }

  /** Why a new value is needed; {@link #NONE} when the current one stays. */
  public enum Reason {
    NONE(""),
    FIRST_ISSUE("issued the first value"),
    REGENERATE_REQUESTED("regenerated on request (aideploy.io/regenerate changed)"),
    SECRET_MISSING("regenerated because its Secret was missing"),
    SECRET_CHANGED("regenerated because its Secret no longer held the issued value");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * Decides from the token and what its Secret holds ({@code null} when the Secret or its value is
   * missing). The Secret, not the token's status, says which value was issued and which request it
   * answers: a status write that failed after the Secret was written changes nothing here. The
   * status only tells a first issue from a lost Secret.
   */
  public Reason decide(AiToken token, IssuedValue issued) {
    if (issued == null || !issued.intact()) {
      AiTokenStatus status = token.getStatus();
      if (status == null || status.getTokenHash() == null) {
        return Reason.FIRST_ISSUE;
      }
      return issued == null ? Reason.SECRET_MISSING : Reason.SECRET_CHANGED;
    }
    String requested = regenerateRequest(token);
    if (requested != null && !requested.equals(issued.answers())) {
      return Reason.REGENERATE_REQUESTED;
    }
    return Reason.NONE;
  }

  /** The longest grace period a regeneration may give the previous value. */
  public static final Duration MAX_GRACE = Duration.ofDays(7);

  /**
   * How long the previous value keeps working after the regeneration requested now: the
   * regenerate-grace annotation, zero when absent.
   *
   * @throws IllegalArgumentException if the annotation is no duration, or longer than {@link
   *     #MAX_GRACE}
   */
  public static Duration grace(AiToken token) {
    Map<String, String> annotations = token.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(AiToken.REGENERATE_GRACE_ANNOTATION);
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    Duration grace =
        KubectlDuration.parse(text)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        AiToken.REGENERATE_GRACE_ANNOTATION
                            + " must be a duration such as 10m or 1h30m, not '"
                            + text
                            + "'; the regeneration waits until it is fixed"));
    if (grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException(
          AiToken.REGENERATE_GRACE_ANNOTATION
              + " is at most 168h, not '"
              + text
              + "'; the regeneration waits until it is fixed");
    }
    return grace;
  }

  /** The value of the regenerate annotation, or null. */
  public static String regenerateRequest(AiToken token) {
    Map<String, String> annotations = token.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(AiToken.REGENERATE_ANNOTATION);
  }

  /**
   * The instant after which the token is refused, if it has one.
   *
   * @throws IllegalArgumentException if spec.expiresAt passed the schema's pattern but is no real
   *     instant (such as a leap second)
   */
  public static Optional<Instant> expiry(AiToken token) {
    String expiresAt = token.getSpec().getExpiresAt();
    if (expiresAt == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Rfc3339.parse(expiresAt));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("spec.expiresAt is not a valid date-time: " + expiresAt);
    }
  }

  /** Whether the token is past its expiry now. */
  public boolean isExpired(AiToken token) {
    return expiry(token).map(at -> !clock.instant().isBefore(at)).orElse(false);
  }

  /** How long until the token expires, if it has not yet. */
  public Optional<Duration> untilExpiry(AiToken token) {
    Instant now = clock.instant();
    return expiry(token).filter(now::isBefore).map(at -> Duration.between(now, at));
  }

  public Instant now() {
    return clock.instant();
  }
}
