package io.aideploy.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.labels.ReservedLabels;
import java.util.Map;
import java.util.TreeMap;

/**
 * An app as the CLI shows it, whichever way it was read: the same shape as an app in the gateway's
 * lifecycle API, so {@code -o json} gives scripts one format with or without cluster access.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppInfo(
    String id,
    String name,
    String namespace,
    Map<String, String> labels,
    String access,
    String state,
    String phase,
    String message,
    String url,
    String image,
    Integer replicas,
    Integer availableReplicas,
    String createdAt) {

  /** An AiApp read from the cluster; labels are the effective ones, as for access decisions. */
  static AppInfo of(AiApp app) {
    var meta = app.getMetadata();
    var spec = app.getSpec();
    var status = app.getStatus();
    return new AppInfo(
        meta.getUid(),
        meta.getName(),
        meta.getNamespace(),
        new TreeMap<>(ReservedLabels.effective(app)),
        spec == null || spec.getAccess() == null ? null : spec.getAccess().name(),
        (spec == null || spec.getState() == null ? AppState.Running : spec.getState()).name(),
        status == null || status.getPhase() == null ? null : status.getPhase().name(),
        notReadyBecause(status),
        status == null ? null : status.getUrl(),
        spec == null ? null : spec.getImage(),
        status == null ? null : status.getReplicas(),
        status == null ? null : status.getAvailableReplicas(),
        meta.getCreationTimestamp());
  }

  /** Why the app is not ready (why a Failed app failed): its Ready condition's message. */
  private static String notReadyBecause(AiAppStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> Condition.READY.equals(c.getType()) && !"True".equals(c.getStatus()))
        .map(Condition::getMessage)
        .filter(m -> m != null && !m.isBlank())
        .map(CliErrors::oneLine)
        .findFirst()
        .orElse(null);
  }

  /** The labels a user set, without the reserved {@code ovh/} ones, as {@code k=v,k=v}. */
  String userLabels() {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(labels == null ? Map.<String, String>of() : labels)
        .forEach(
            (key, value) -> {
              if (!ReservedLabels.isReserved(key)) {
                text.append(text.length() == 0 ? "" : ",").append(key).append('=').append(value);
              }
            });
    return text.toString();
  }
}
