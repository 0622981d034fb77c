package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes an app's children of the exposure kinds the current configuration does not write: the
 * Ingress after a switch to Gateway API, the HTTPRoute and its attachment after a switch back, the
 * Middleware after a switch from Traefik to Envoy Gateway. The configuration comes from flags, so
 * it changes only with a restart: once per app and process is enough. The operator does not watch
 * these kinds; it deletes by label ({@code deletecollection}), which matches only children the
 * operator made for this app.
 */
public final class ExposureLeftovers {
  private static final Logger log = LoggerFactory.getLogger(ExposureLeftovers.class);

  private final List<GroupVersionKindPlural> unused;
  private final Set<String> cleanedApps = ConcurrentHashMap.newKeySet();
  private final Set<String> refusedKinds = ConcurrentHashMap.newKeySet();

  public ExposureLeftovers(List<GroupVersionKindPlural> unused) {
    this.unused = List.copyOf(unused);
  }

  /** Deletes {@code app}'s children of the unused kinds, the first time it is called per app. */
  public void removeOnce(AiApp app, KubernetesClient client) {
    String uid = app.getMetadata().getUid();
    if (!cleanedApps.add(uid)) {
      return;
    }
    for (GroupVersionKindPlural kind : unused) {
      try {
        client
            .genericKubernetesResources(definition(kind))
            .inNamespace(app.getMetadata().getNamespace())
            .withLabelSelector(
                ReservedLabels.MANAGED_SELECTOR + "," + ReservedLabels.ID + "=" + uid)
            .delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          continue; // the kind is not installed: nothing of it can be left over
        }
        if (e.getCode() == 403 && refusedKinds.add(kind.getKind())) {
          log.warn(
              "cannot remove leftover {} children (no deletecollection right on {}); delete them"
                  + " by hand if this operator wrote some before its exposure changed",
              kind.getKind(),
              ExposureKinds.crdName(kind));
          continue;
        }
        if (e.getCode() != 403) {
          cleanedApps.remove(uid); // try again on the next reconcile
          throw e;
        }
      }
    }
  }

  private static ResourceDefinitionContext definition(GroupVersionKindPlural kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(kind.getGroup())
        .withVersion(kind.getVersion())
        .withKind(kind.getKind())
        .withPlural(kind.getPluralOrDefault())
        .withNamespaced(true)
        .build();
  }
}
