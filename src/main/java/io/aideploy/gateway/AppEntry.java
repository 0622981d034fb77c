package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Cors;
import io.aideploy.labels.ReservedLabels;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the gateway knows of an AiApp: its id (uid), where it lives, the labels that count for
 * access (reserved ones forced from the uid) and whether it needs a token.
 *
 * <p>It holds plain values, not the AiApp: every replica keeps one per app in the cluster, and the
 * object with its metadata and maps cost several times more heap than these fields.
 *
 * @param corsOrigins the origins whose CORS preflights need no token ({@code spec.cors})
 * @param state {@code spec.state} as stored (null: the schema's default, Running)
 * @param image, phase, replicas, availableReplicas, createdAt for the lifecycle API's answers
 */
record AppEntry(
    String id,
    String namespace,
    String name,
    Map<String, String> labels,
    Access access,
    Set<String> corsOrigins,
    AppState state,
    String image,
    AppPhase phase,
    Integer replicas,
    Integer availableReplicas,
    String createdAt) {

  static AppEntry from(AiApp app) {
    var spec = app.getSpec();
    // A missing spec or access field is the schema's default: Token, never Public.
    Access access =
        spec != null && spec.getAccess() == Access.Public ? Access.Public : Access.Token;
    var status = app.getStatus();
    return new AppEntry(
        app.getMetadata().getUid(),
        app.getMetadata().getNamespace(),
        app.getMetadata().getName(),
        Map.copyOf(ReservedLabels.effective(app)),
        access,
        corsOrigins(spec),
        spec == null ? null : spec.getState(),
        spec == null ? null : spec.getImage(),
        status == null ? null : status.getPhase(),
        status == null ? null : status.getReplicas(),
        status == null ? null : status.getAvailableReplicas(),
        app.getMetadata().getCreationTimestamp());
  }

  /**
   * The origins of {@code spec.cors}. The CRD's pattern admits them in lower case only; folding
   * again costs nothing and keeps an object written before that rule from matching nothing.
   */
  private static Set<String> corsOrigins(AiAppSpec spec) {
    Cors cors = spec == null ? null : spec.getCors();
    if (cors == null || cors.getAllowedOrigins() == null) {
      return Set.of();
    }
    return cors.getAllowedOrigins().stream()
        .filter(Objects::nonNull)
        .map(origin -> origin.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }
}
