package io.aideploy.app.dependent;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import java.util.List;

/** Which custom kinds the API server serves, from its discovery documents. */
public final class InstalledKinds {
  private InstalledKinds() {}

  /** Those of {@code kinds} whose CRD (in that version) is not installed, by CRD name. */
  public static List<String> missing(KubernetesClient client, List<GroupVersionKindPlural> kinds) {
    return kinds.stream()
        .filter(kind -> !served(client, kind))
        .map(ExposureKinds::crdName)
        .toList();
  }

  /** Those of {@code kinds} that the API server serves. */
  public static List<GroupVersionKindPlural> served(
      KubernetesClient client, List<GroupVersionKindPlural> kinds) {
    return kinds.stream().filter(kind -> served(client, kind)).toList();
  }

  private static boolean served(KubernetesClient client, GroupVersionKindPlural kind) {
    APIResourceList resources;
    try {
      resources = client.getApiResources(kind.apiVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
    return resources != null
        && resources.getResources().stream()
            .anyMatch(r -> kind.getPluralOrDefault().equals(r.getName()));
  }
}
