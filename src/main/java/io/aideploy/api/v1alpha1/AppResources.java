package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Per-replica compute resources; each is used as both request and limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppResources {
  /** A Kubernetes quantity, as the API server itself accepts it. */
  static final String QUANTITY = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  @Pattern(QUANTITY)
  @JsonPropertyDescription("CPU per replica as a Kubernetes quantity, e.g. 500m or 2.")
  private String cpu;

  @Pattern(QUANTITY)
  @JsonPropertyDescription("Memory per replica as a Kubernetes quantity, e.g. 512Mi or 4Gi.")
  private String memory;

  @Min(0)
  @JsonPropertyDescription("Number of GPUs per replica, requested as nvidia.com/gpu.")
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
