package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The parts of AiApps and AiTokens that the gateway keeps. Every replica caches every app and token
 * in the cluster, so anything it does not read (env, command, args, probe, streaming, annotations,
 * managedFields, descriptions, conditions) is dropped as it arrives rather than held for the life
 * of the process. Pure: the objects given are not modified, and trimming twice is trimming once.
 */
final class CachedFields {
  private CachedFields() {}

  /**
   * What {@link AppEntry} and {@link AppView} read: identity, labels, image, state, access, CORS
   * origins.
   */
  static AiApp app(AiApp app) {
    AiApp kept = new AiApp();
    kept.setMetadata(metadata(app.getMetadata()));
    AiAppSpec spec = app.getSpec();
    if (spec == null) {
      kept.setSpec(null);
    } else {
      AiAppSpec keptSpec = new AiAppSpec();
      // The constructor's defaults are not the stored object's: copy state and access as they are
      // (null included, which AppEntry and AppView read as the schema's default) and clear port.
      keptSpec.setPort(null);
      keptSpec.setImage(spec.getImage());
      keptSpec.setState(spec.getState());
      keptSpec.setAccess(spec.getAccess());
      keptSpec.setCors(spec.getCors());
      kept.setSpec(keptSpec);
    }
    AiAppStatus status = app.getStatus();
    if (status == null) {
      kept.setStatus(null);
    } else {
      AiAppStatus keptStatus = new AiAppStatus();
      keptStatus.setPhase(status.getPhase());
      keptStatus.setReplicas(status.getReplicas());
      keptStatus.setAvailableReplicas(status.getAvailableReplicas());
      kept.setStatus(keptStatus);
    }
    return kept;
  }

  /**
   * What {@link TokenEntry} reads of the spec (role, selector, expiry), and the whole status: the
   * operator alone writes it, it is small, and it is what authentication is decided on.
   */
  static AiToken token(AiToken token) {
    AiToken kept = new AiToken();
    kept.setMetadata(metadata(token.getMetadata()));
    AiTokenSpec spec = token.getSpec();
    if (spec == null) {
      kept.setSpec(null);
    } else {
      AiTokenSpec keptSpec = new AiTokenSpec();
      keptSpec.setRole(spec.getRole());
      keptSpec.setLabelSelector(spec.getLabelSelector());
      keptSpec.setExpiresAt(spec.getExpiresAt());
      kept.setSpec(keptSpec);
    }
    kept.setStatus(token.getStatus());
    return kept;
  }

  /**
   * Identity, labels and the fields an informer and a reader of the cache need: no annotations (up
   * to 256 KiB each object), no managedFields, owners or finalizers.
   */
  static ObjectMeta metadata(ObjectMeta metadata) {
    ObjectMeta kept = new ObjectMeta();
    if (metadata != null) {
      kept.setName(metadata.getName());
      kept.setNamespace(metadata.getNamespace());
      kept.setUid(metadata.getUid());
      kept.setLabels(metadata.getLabels());
      kept.setCreationTimestamp(metadata.getCreationTimestamp());
      kept.setDeletionTimestamp(metadata.getDeletionTimestamp());
      kept.setGeneration(metadata.getGeneration());
      kept.setResourceVersion(metadata.getResourceVersion());
    }
    return kept;
  }
}
