package io.aideploy.api.v1alpha1;

/** The resource whose average utilization drives autoscaling. */
public enum ResourceType {
  CPU,
  MEMORY
}
