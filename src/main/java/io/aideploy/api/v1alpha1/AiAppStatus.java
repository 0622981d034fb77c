package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed of an AiApp. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AiAppStatus {
  @JsonPropertyDescription("The app's id: the value of its ovh/id label, equal to metadata.uid.")
  private String appId;

  @JsonPropertyDescription("HTTPS URL the app is served at: https://<appId>.<base-domain>/.")
  private String url;

  @JsonPropertyDescription(
      "Life-cycle phase: Queued, Initializing, Running, Scaling, Stopping, Stopped, Failed or"
          + " Deleting.")
  private AppPhase phase;

  @JsonPropertyDescription("Replicas the Deployment currently has.")
  private Integer replicas;

  @JsonPropertyDescription("Replicas that are ready and serving.")
  private Integer availableReplicas;

  @JsonPropertyDescription("Latest observations; the Ready condition says whether the app serves.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  public String getAppId() {
    return appId;
  }

  public void setAppId(String appId) {
    this.appId = appId;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public AppPhase getPhase() {
    return phase;
  }

  public void setPhase(AppPhase phase) {
    this.phase = phase;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getAvailableReplicas() {
    return availableReplicas;
  }

  public void setAvailableReplicas(Integer availableReplicas) {
    this.availableReplicas = availableReplicas;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AiAppStatus s
        && Objects.equals(appId, s.appId)
        && Objects.equals(url, s.url)
        && phase == s.phase
        && Objects.equals(replicas, s.replicas)
        && Objects.equals(availableReplicas, s.availableReplicas)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(observedGeneration, s.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(appId, url, phase, replicas, availableReplicas, observedGeneration);
  }
}
