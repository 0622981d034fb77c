package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.kube.EventRecorder;
import io.aideploy.kube.ExactWrites;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps an AiApp's own reserved labels ({@code ovh/id} = its uid, {@code ovh/type} = app) and
 * removes any other key under {@code ovh/}; its children get them from their desired state. A
 * user's attempt is overwritten and told with a Warning Event; the first stamp of a new app is not.
 */
final class ReservedLabelStamp {
  private static final Logger log = LoggerFactory.getLogger(ReservedLabelStamp.class);

  private final EventRecorder events;

  ReservedLabelStamp(EventRecorder events) {
    this.events = events;
  }

  /** Overwrites user values under ovh/ on {@code app}; returns the app as it now is. */
  AiApp enforce(AiApp app, KubernetesClient client) {
    String uid = app.getMetadata().getUid();
    List<String> wrong = ReservedLabels.violations(app.getMetadata().getLabels(), uid);
    if (wrong.isEmpty()) {
      return app;
    }
    Map<String, String> patch = new HashMap<>();
    for (String key : wrong) {
      patch.put(key, null); // null removes the key in a JSON merge patch
    }
    patch.put(ReservedLabels.ID, uid);
    patch.put(ReservedLabels.TYPE, ReservedLabels.APP_TYPE);
    // Guarded by the uid: an app re-created under this name must not get this one's id.
    AiApp patched =
        ExactWrites.mergePatch(
            client,
            AiApp.class,
            app.getMetadata().getNamespace(),
            app.getMetadata().getName(),
            uid,
            Map.of("metadata", Map.of("labels", patch)));
    boolean firstStamp =
        app.getMetadata().getLabels() == null
            || wrong.stream().allMatch(k -> !app.getMetadata().getLabels().containsKey(k));
    String message =
        "Set reserved labels "
            + ReservedLabels.ID
            + "="
            + uid
            + " and "
            + ReservedLabels.TYPE
            + "="
            + ReservedLabels.APP_TYPE;
    if (firstStamp) {
      log.info("{}", message);
    } else {
      log.warn("overwrote user values of reserved labels {}", wrong);
      events.warning(
          app,
          "ReservedLabelsEnforced",
          "Labels under ovh/ are reserved; overwrote " + String.join(", ", wrong) + ". " + message);
    }
    return patched;
  }
}
