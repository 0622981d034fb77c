package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** One observation about a resource, shaped like the Kubernetes metav1.Condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
  public static final String READY = "Ready";

  @JsonPropertyDescription("Kind of observation, e.g. Ready.")
  private String type;

  @JsonPropertyDescription("True, False or Unknown.")
  private String status;

  @JsonPropertyDescription("One-word, CamelCase cause of the last transition.")
  private String reason;

  @JsonPropertyDescription("Human-readable detail of the last transition.")
  private String message;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  private String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation this condition was computed from.")
  private Long observedGeneration;

  public Condition() {}

  public Condition(String type, boolean status, String reason, String message, Long generation) {
    this.type = type;
    this.status = status ? "True" : "False";
    this.reason = reason;
    this.message = message;
    this.observedGeneration = generation;
  }

  /**
   * A {@code Ready} condition whose lastTransitionTime moves only when its status flips from the
   * one in {@code previous} (as Kubernetes conditions do); {@code now} otherwise.
   */
  public static Condition ready(
      boolean ready,
      String reason,
      String message,
      Long generation,
      List<Condition> previous,
      Instant now) {
    Condition condition = new Condition(READY, ready, reason, message, generation);
    Condition old =
        previous == null
            ? null
            : previous.stream().filter(c -> READY.equals(c.getType())).findFirst().orElse(null);
    condition.setLastTransitionTime(
        old != null && Objects.equals(old.getStatus(), condition.getStatus())
            ? old.getLastTransitionTime()
            : now.truncatedTo(ChronoUnit.SECONDS).toString());
    return condition;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Condition c
        && Objects.equals(type, c.type)
        && Objects.equals(status, c.status)
        && Objects.equals(reason, c.reason)
        && Objects.equals(message, c.message)
        && Objects.equals(lastTransitionTime, c.lastTransitionTime)
        && Objects.equals(observedGeneration, c.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
  }
}
