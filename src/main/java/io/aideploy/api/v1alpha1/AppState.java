package io.aideploy.api.v1alpha1;

/** Whether an app should be serving (the lifecycle "start"/"stop"). */
public enum AppState {
  Running,
  Stopped
}
