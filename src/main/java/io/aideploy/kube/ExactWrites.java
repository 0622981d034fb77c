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
   */
  public static <T extends HasMetadata> T mergePatch(
      KubernetesClient client,
      Class<T> type,
      String namespace,
      String name,
      String uid,
      Map<String, Object> fields) {
    ObjectNode patch = Serialization.jsonMapper().valueToTree(fields);
    // A uid in a merge patch is checked against the stored one, not written.
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
    return client
        .resource(reference)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
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
