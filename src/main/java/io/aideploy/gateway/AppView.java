package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shape of an app in the lifecycle API: what a token holder may know of it. */
final class AppView {
  private AppView() {}

  static Map<String, Object> of(AppEntry app, Settings settings) {
    AiApp resource = app.resource();
    var spec = resource.getSpec();
    var status = resource.getStatus();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", app.id());
    json.put("name", app.name());
    json.put("namespace", app.namespace());
    json.put("labels", new TreeMap<>(app.labels()));
    json.put("access", app.access().name());
    json.put(
        "state",
        (spec == null || spec.getState() == null ? AppState.Running : spec.getState()).name());
    json.put(
        "phase", status == null || status.getPhase() == null ? null : status.getPhase().name());
    json.put("url", settings.appUrl(app.id()));
    json.put("image", spec == null ? null : spec.getImage());
    json.put("replicas", status == null ? null : status.getReplicas());
    json.put("availableReplicas", status == null ? null : status.getAvailableReplicas());
    json.put("createdAt", resource.getMetadata().getCreationTimestamp());
    return json;
  }
}
