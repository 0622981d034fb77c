package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shape of an app in the lifecycle API: what a token holder may know of it. */
final class AppView {
  private AppView() {}

  static Map<String, Object> of(AppEntry app, Settings settings) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", app.id());
    json.put("name", app.name());
    json.put("namespace", app.namespace());
    json.put("labels", new TreeMap<>(app.labels()));
    json.put("access", app.access().name());
    json.put("state", (app.state() == null ? AppState.Running : app.state()).name());
    json.put("phase", app.phase() == null ? null : app.phase().name());
    json.put("url", settings.appUrl(app.id()));
    json.put("image", app.image());
    json.put("replicas", app.replicas());
    json.put("availableReplicas", app.availableReplicas());
    json.put("createdAt", app.createdAt());
    return json;
  }
}
