package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.labels.ReservedLabels;
import java.util.Map;

/**
 * What the gateway knows of an AiApp: its id (uid), where it lives, the labels that count for
 * access (reserved ones forced from the uid) and whether it needs a token.
 *
 * @param resource the cached AiApp itself, for the lifecycle API's answers; never modified
 */
record AppEntry(
    String id,
    String namespace,
    String name,
    Map<String, String> labels,
    Access access,
    AiApp resource) {

  static AppEntry from(AiApp app) {
    var spec = app.getSpec();
    // A missing spec or access field is the schema's default: Token, never Public.
    Access access =
        spec != null && spec.getAccess() == Access.Public ? Access.Public : Access.Token;
    return new AppEntry(
        app.getMetadata().getUid(),
        app.getMetadata().getNamespace(),
        app.getMetadata().getName(),
        Map.copyOf(ReservedLabels.effective(app)),
        access,
        app);
  }
}
