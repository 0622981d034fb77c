package io.aideploy.gateway;

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
record ScaleRequest(Integer replicas, Integer minReplicas, Integer maxReplicas) {
  static final int MAX_BYTES = 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * @throws NewAppRequest.Refused 400 for a body that is not this JSON object, 422 for one that
   *     sets both or neither
   */
  static ScaleRequest parse(byte[] body) {
    ScaleRequest request;
    try {
      request = JSON.readValue(body, ScaleRequest.class);
    } catch (IOException e) {
      throw new NewAppRequest.Refused(
          400, "the body must be {\"replicas\": N} or {\"minReplicas\": N, \"maxReplicas\": M}");
    }
    boolean fixed = request != null && request.replicas() != null;
    boolean auto =
        request != null && (request.minReplicas() != null || request.maxReplicas() != null);
    if (fixed == auto) {
      throw new NewAppRequest.Refused(
          422,
          "set either replicas or minReplicas/maxReplicas (autoscaling), not both nor neither");
    }
    return request;
  }

  /** The merge patch of {@code spec}: the chosen way to scale, and the other one removed. */
  Map<String, Object> specPatch() {
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
