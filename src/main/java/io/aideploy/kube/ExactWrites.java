package io.aideploy.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/**
 * Changes to exactly one object: the one with a known uid. A name alone is not enough — an object
 * deleted and re-created under the same name between a read and a write is another object — so each
 * write carries the uid as a precondition, and the API server refuses it (409) when the uid no
 * longer matches. Used by the CLI, the gateway's lifecycle API and the AiApp reconciler alike.
 */
public final class ExactWrites {
  private ExactWrites() {}

  /**
   * A JSON merge patch of {@code fields} onto the object named {@code name} whose uid is {@code
   * uid}.
   *
   * @throws KubernetesClientException 404 when it is gone, 409 when the name now belongs to another
   *     object
   */
  public static <T extends HasMetadata> T mergePatch(
      KubernetesClient client,
      Class<T> type,
      String namespace,
      String name,
      String uid,
      Map<String, Object> fields) {
    ObjectNode patch = Serialization.jsonMapper().valueToTree(fields);
    // A uid in a merge patch is checked against the stored one, not written: the API server
    // refuses another as a change to an immutable field (422), answered here as the conflict it is.
    patch.withObject("/metadata").put("uid", uid);
    T reference;
    try {
      reference = type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(type + " has no public no-argument constructor", e);
    }
    reference.getMetadata().setNamespace(namespace);
    reference.getMetadata().setName(name);
    // resource(reference), not withName(name): fabric8 would GET the object first.
    try {
      return client
          .resource(reference)
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422 && refusedUid(e)) {
        throw new KubernetesClientException(
            type.getSimpleName() + " was re-created under the same name", 409, e.getStatus());
      }
      throw e;
    }
  }

  private static boolean refusedUid(KubernetesClientException e) {
    return e.getStatus() != null
        && e.getStatus().getDetails() != null
        && e.getStatus().getDetails().getCauses() != null
        && e.getStatus().getDetails().getCauses().stream()
            .anyMatch(cause -> "metadata.uid".equals(cause.getField()));
  }

  /**
   * As {@link #mergePatch}, on the status subresource: {@code status} as the object's status
   * fields. The API server ignores a uid in a status patch (it keeps the stored metadata), so the
   * object is read first, its uid compared, and the patch carries the resourceVersion read: a
   * concurrent change makes it fail (409) and it is tried again, up to three times.
   *
   * @throws KubernetesClientException 404 when it is gone, 409 when the name now belongs to another
   *     object or the object kept changing
   */
  public static <T extends HasMetadata> T mergePatchStatus(
      KubernetesClient client,
      Class<T> type,
      String namespace,
      String name,
      String uid,
      Map<String, Object> status) {
    for (int attempt = 1; ; attempt++) {
      T live = client.resources(type).inNamespace(namespace).withName(name).get();
      if (live == null) {
        throw new KubernetesClientException(type.getSimpleName() + " is gone", 404, null);
      }
      if (!live.getMetadata().getUid().equals(uid)) {
        throw new KubernetesClientException(
            type.getSimpleName() + " was re-created under the same name", 409, null);
      }
      ObjectNode patch = Serialization.jsonMapper().valueToTree(Map.of("status", status));
      patch.withObject("/metadata").put("resourceVersion", live.getMetadata().getResourceVersion());
      try {
        return client
            .resource(live)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 3) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes the object named {@code name} whose uid is {@code uid}, its dependents in the
   * background. fabric8 has no uid precondition for deletes, hence the plain call.
   *
   * @throws KubernetesClientException 404 when it is gone, 409 when the name now belongs to another
   *     object
   */
  public static void delete(
      KubernetesClient client,
      Class<? extends HasMetadata> type,
      String namespace,
      String name,
      String uid) {
    Preconditions preconditions = new Preconditions();
    preconditions.setUid(uid);
    DeleteOptions options = new DeleteOptions();
    options.setPreconditions(preconditions);
    options.setPropagationPolicy("Background");
    String url =
        client.getMasterUrl().toString().replaceAll("/+$", "")
            + "/apis/"
            + HasMetadata.getApiVersion(type)
            + "/namespaces/"
            + namespace
            + "/"
            + HasMetadata.getPlural(type)
            + "/"
            + name;
    HttpClient http = client.getHttpClient();
    HttpRequest call =
        http.newHttpRequestBuilder()
            .uri(url)
            .method("DELETE", "application/json", Serialization.asJson(options))
            .build();
    HttpResponse<String> response = http.sendAsync(call, String.class).join();
    if (!response.isSuccessful()) {
      throw new KubernetesClientException("delete refused", response.code(), null);
    }
  }
}
