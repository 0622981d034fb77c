package io.aideploy.api.v1alpha1;

/** The phase of an AiToken, as reported in its status. */
public enum TokenPhase {
  Ready,
  Expired,
  Invalid
}
