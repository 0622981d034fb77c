package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AppState;

/** How many replicas an app's Deployment should declare. */
public final class AppReplicas {
  private AppReplicas() {}

  /**
   * 0 when stopped; null when autoscaling (the HorizontalPodAutoscaler owns the count, so the
   * operator must not write it); else spec.replicas, or 1 when unset.
   */
  public static Integer desired(AiAppSpec spec) {
    if (spec.getState() == AppState.Stopped) {
      return 0;
    }
    if (spec.getAutoscaling() != null) {
      return null;
    }
    return spec.getReplicas() == null ? 1 : spec.getReplicas();
  }

  /** Whether the app should have a HorizontalPodAutoscaler now. */
  public static boolean autoscaled(AiAppSpec spec) {
    return spec.getAutoscaling() != null && spec.getState() != AppState.Stopped;
  }
}
