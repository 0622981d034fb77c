package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Bounds and target of a HorizontalPodAutoscaler for the app. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "spec.autoscaling.minReplicas must not be greater than spec.autoscaling.maxReplicas",
    fieldPath = ".minReplicas",
    reason = "FieldValueInvalid")
public class Autoscaling {
  @Default("1")
  @Min(1)
  @Max(AiAppSpec.MAX_REPLICAS)
  @JsonPropertyDescription("Fewest replicas the autoscaler keeps; 1-1000, default 1.")
  private Integer minReplicas = 1;

  @Required
  @Min(1)
  @Max(AiAppSpec.MAX_REPLICAS)
  @JsonPropertyDescription(
      "Most replicas the autoscaler may start; at least minReplicas, at most 1000. Required.")
  private Integer maxReplicas;

  @Default("CPU")
  @JsonPropertyDescription("Resource whose utilization drives scaling: CPU (default) or MEMORY.")
  private ResourceType resourceType = ResourceType.CPU;

  @Default("75")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Target average utilization of resourceType, in percent of the request; 1-100, default 75.")
  private Integer averageUtilization = 75;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public ResourceType getResourceType() {
    return resourceType;
  }

  public void setResourceType(ResourceType resourceType) {
    this.resourceType = resourceType;
  }

  public Integer getAverageUtilization() {
    return averageUtilization;
  }

  public void setAverageUtilization(Integer averageUtilization) {
    this.averageUtilization = averageUtilization;
  }
}
