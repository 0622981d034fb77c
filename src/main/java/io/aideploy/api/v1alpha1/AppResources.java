package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Per-replica compute resources; each is used as both request and limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppResources {
  /** A Kubernetes quantity, as the API server itself accepts it. */
  static final String QUANTITY = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  /** Far longer than any real quantity; bounds what the pattern alone would not. */
  static final int MAX_QUANTITY = 64;

  @Pattern(QUANTITY)
  @Size(max = MAX_QUANTITY)
  @JsonPropertyDescription(
      "CPU per replica as a Kubernetes quantity, e.g. 500m or 2; at most 64 characters.")
  private String cpu;

  @Pattern(QUANTITY)
  @Size(max = MAX_QUANTITY)
  @JsonPropertyDescription(
      "Memory per replica as a Kubernetes quantity, e.g. 512Mi or 4Gi; at most 64 characters.")
  private String memory;

  // A bound also keeps the number within a Java int: a larger one would not deserialize.
  @Min(0)
  @Max(64)
  @JsonPropertyDescription("Number of GPUs per replica, requested as nvidia.com/gpu; 0-64.")
  private Integer gpu;

  public String getCpu() {
    return cpu;
  }

  public void setCpu(String cpu) {
    this.cpu = cpu;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public Integer getGpu() {
    return gpu;
  }

  public void setGpu(Integer gpu) {
    this.gpu = gpu;
  }
}
