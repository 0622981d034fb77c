package io.aideploy.api.v1alpha1;

/** The life-cycle phase of an AiApp, as reported in its status. */
public enum AppPhase {
  Queued,
  Initializing,
  Running,
  Scaling,
  Stopping,
  Stopped,
  Failed,
  Deleting
}
