package io.aideploy.lifecycle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The body of {@code POST /v1/apps/{id}/scale}: a fixed number of replicas, or autoscaling bounds.
 * Either one replaces the other, as {@code ovhai app scale} does; the API server checks the bounds.
 */
public record ScaleRequest(Integer replicas, Integer minReplicas, Integer maxReplicas) {
  public static final int MAX_BYTES = 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * @throws RefusedRequest 400 for a body that is not this JSON object, 422 for one that sets both
   *     or neither
   */
  public static ScaleRequest parse(byte[] body) {
    ScaleRequest request;
    try {
      request = JSON.readValue(body, ScaleRequest.class);
    } catch (IOException e) {
      throw new RefusedRequest(
          400, "the body must be {\"replicas\": N} or {\"minReplicas\": N, \"maxReplicas\": M}");
    }
    if (request == null) {
      throw new RefusedRequest(400, "the body must be a JSON object");
    }
    return of(request.replicas(), request.minReplicas(), request.maxReplicas());
  }

  /**
   * @throws RefusedRequest 422 when both a fixed number and autoscaling bounds are given, or
   *     neither
   */
  public static ScaleRequest of(Integer replicas, Integer minReplicas, Integer maxReplicas) {
    if ((replicas != null) == (minReplicas != null || maxReplicas != null)) {
      throw new RefusedRequest(
          422,
          "set either replicas or minReplicas/maxReplicas (autoscaling), not both nor neither");
    }
    return new ScaleRequest(replicas, minReplicas, maxReplicas);
  }

  /** The merge patch of {@code spec}: the chosen way to scale, and the other one removed. */
  public Map<String, Object> specPatch() {
    Map<String, Object> spec = new HashMap<>();
    if (replicas != null) {
      spec.put("replicas", replicas);
      spec.put("autoscaling", null);
    } else {
      Map<String, Object> autoscaling = new HashMap<>();
      if (minReplicas != null) {
        autoscaling.put("minReplicas", minReplicas);
      }
      if (maxReplicas != null) {
        autoscaling.put("maxReplicas", maxReplicas);
      }
      spec.put("replicas", null);
      spec.put("autoscaling", autoscaling);
    }
    return spec;
  }
}
