package io.aideploy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewAppRequestTest {
  private static NewAppRequest parse(String json) {
    return NewAppRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(String json, int status, String... parts) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            RefusedRequest.class, e -> assertThat(e.status()).as(json).isEqualTo(status))
        .hasMessageContainingAll(parts);
  }

  @Test
  void theBodyMapsOntoTheSpec() {
    AiApp app =
        parse(
                """
                {"image": "hello", "labels": {"team": "ml"}, "defaultHttpPort": 5000,
                 "unsecureHttp": true, "resources": {"cpu": "1", "memory": "1Gi", "gpu": 1},
                 "autoscaling": {"minReplicas": 1, "maxReplicas": 3},
                 "env": [{"name": "MODEL", "value": "small"}]}""")
            .toAiApp("ns", Map.of("team", "ml", "group", "A"));
    assertThat(app.getMetadata().getName()).isNull();
    assertThat(app.getMetadata().getGenerateName()).isEqualTo("app-");
    assertThat(app.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(app.getMetadata().getLabels()).containsEntry("group", "A");
    var spec = app.getSpec();
    assertThat(spec.getImage()).isEqualTo("hello");
    assertThat(spec.getPort()).isEqualTo(5000);
    assertThat(spec.getAccess()).isEqualTo(Access.Public);
    assertThat(spec.getResources().getGpu()).isEqualTo(1);
    assertThat(spec.getAutoscaling().getMaxReplicas()).isEqualTo(3);
    assertThat(spec.getEnv().get(0).getValue()).isEqualTo("small");
    assertThat(spec.getEnv().get(0).getValueFrom()).isNull();
    assertThat(parse("{\"image\": \"x\"}").toAiApp("ns", Map.of()).getSpec().getAccess())
        .isEqualTo(Access.Token);
  }

  @Test
  void streamingMapsOntoTheSpecAndNeedsEnabled() {
    var streaming =
        parse("{\"image\": \"x\", \"streaming\": {\"enabled\": true, \"maxStreamSeconds\": 600}}")
            .toAiApp("ns", Map.of())
            .getSpec()
            .getStreaming();
    assertThat(streaming.getEnabled()).isTrue();
    assertThat(streaming.getMaxStreamSeconds()).isEqualTo(600);
    assertThat(streaming.getIdleTimeoutSeconds()).as("the CRD's default").isEqualTo(3600);
    assertThat(parse("{\"image\": \"x\"}").toAiApp("ns", Map.of()).getSpec().getStreaming())
        .isNull();
    refused("{\"image\":\"x\",\"streaming\":{\"maxStreamSeconds\":60}}", 422, "streaming.enabled");
    refused("{\"image\":\"x\",\"streaming\":{\"enabled\":true,\"x\":1}}", 422, "unknown field 'x'");
  }

  @Test
  void nothingBeyondLiteralValuesReachesTheSpec() {
    refused(
        "{\"image\":\"x\",\"env\":[{\"name\":\"K\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}}]}",
        422,
        "valueFrom",
        "env[0]",
        "literal");
    refused("{\"image\":\"x\",\"envFrom\":[{\"secretRef\":{\"name\":\"s\"}}]}", 422, "envFrom");
    refused("{\"image\":\"x\",\"volumes\":[]}", 422, "unknown field 'volumes'");
    refused("{\"image\":\"x\",\"serviceAccountName\":\"admin\"}", 422, "serviceAccountName");
    refused("{\"image\":\"x\",\"env\":[{\"name\":\"K\"}]}", 422, "literal value");
  }

  @Test
  void reservedLabelsBadNamesAndMalformedBodiesAreRefused() {
    refused("{\"image\":\"x\",\"labels\":{\"ovh/id\":\"y\"}}", 422, "reserved");
    refused("{\"image\":\"x\",\"name\":\"Not_A_Name\"}", 422, "name must be");
    refused("{\"name\":\"a\"}", 422, "image is required");
    refused("not json", 400, "not valid JSON");
    refused("{\"image\":\"x\"} {}", 400, "body");
    refused("{\"image\":\"x\",\"image\":\"y\"}", 400, "body");
    refused("{\"image\":\"x\",\"replicas\":\"many\"}", 400, "replicas");
    refused("[]", 400, "body");
  }

  @Test
  void scaleIsOneWayOrTheOther() {
    assertThat(ScaleRequest.parse("{\"replicas\":2}".getBytes()).specPatch())
        .containsEntry("replicas", 2)
        .containsEntry("autoscaling", null);
    assertThat(ScaleRequest.parse("{\"minReplicas\":1,\"maxReplicas\":4}".getBytes()).specPatch())
        .containsEntry("replicas", null)
        .containsEntry("autoscaling", Map.of("minReplicas", 1, "maxReplicas", 4));
    assertThatThrownBy(() -> ScaleRequest.parse("{\"replicas\":2,\"maxReplicas\":3}".getBytes()))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> ScaleRequest.parse("{}".getBytes())).hasMessageContaining("neither");
  }
}
