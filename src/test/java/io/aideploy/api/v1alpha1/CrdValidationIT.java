package io.aideploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD schemas, installed in the real API server, accept valid objects and refuse bad ones. */
@ExtendWith(LocalControlPlane.class)
@SuppressWarnings("unchecked")
class CrdValidationIT {
  private static String namespace;

  @BeforeAll
  static void namespace(KubernetesClient client) {
    namespace = TestNamespaces.create(client, "crd-validation");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing image              | AiApp   | {port: 8080}                                            | spec.image
          empty image                | AiApp   | {image: ''}                                             | spec.image
          port 0                     | AiApp   | {image: nginx, port: 0}                                 | spec.port
          port 70000                 | AiApp   | {image: nginx, port: 70000}                             | spec.port
          port not a number          | AiApp   | {image: nginx, port: http}                              | spec.port
          negative replicas          | AiApp   | {image: nginx, replicas: -1}                            | spec.replicas
          replicas with autoscaling  | AiApp   | {image: nginx, replicas: 2, autoscaling: {maxReplicas: 3}} | spec.replicas and spec.autoscaling
          min above max              | AiApp   | {image: nginx, autoscaling: {minReplicas: 5, maxReplicas: 2}} | spec.autoscaling.minReplicas
          autoscaling without max    | AiApp   | {image: nginx, autoscaling: {minReplicas: 1}}           | spec.autoscaling.maxReplicas
          utilization 0              | AiApp   | {image: nginx, autoscaling: {maxReplicas: 2, averageUtilization: 0}} | spec.autoscaling.averageUtilization
          utilization 101            | AiApp   | {image: nginx, autoscaling: {maxReplicas: 2, averageUtilization: 101}} | spec.autoscaling.averageUtilization
          unknown resourceType       | AiApp   | {image: nginx, autoscaling: {maxReplicas: 2, resourceType: GPU}} | spec.autoscaling.resourceType
          unknown state              | AiApp   | {image: nginx, state: Paused}                           | spec.state
          unknown access             | AiApp   | {image: nginx, access: Private}                         | spec.access
          negative gpu               | AiApp   | {image: nginx, resources: {gpu: -1}}                    | spec.resources.gpu
          bad memory quantity        | AiApp   | {image: nginx, resources: {memory: lots}}               | spec.resources.memory
          relative probe path        | AiApp   | {image: nginx, probe: {path: health}}                   | spec.probe.path
          streaming without enabled  | AiApp   | {image: nginx, streaming: {maxStreamSeconds: 60}}       | spec.streaming.enabled
          idle timeout 0             | AiApp   | {image: nginx, streaming: {enabled: true, idleTimeoutSeconds: 0}} | spec.streaming.idleTimeoutSeconds
          stream lifetime 0          | AiApp   | {image: nginx, streaming: {enabled: true, maxStreamSeconds: 0}} | spec.streaming.maxStreamSeconds
          missing role               | AiToken | {labelSelector: group=A}                                | spec.role
          unknown role               | AiToken | {role: Admin}                                           | spec.role
          expiresAt not a date       | AiToken | {role: Reader, expiresAt: tomorrow}                     | spec.expiresAt
          expiresAt month 13         | AiToken | {role: Reader, expiresAt: '2027-13-01T00:00:00Z'}       | spec.expiresAt
          expiresAt without offset   | AiToken | {role: Reader, expiresAt: '2027-01-01T00:00:00'}        | spec.expiresAt
          """)
  void refusesInvalidObjectNamingTheField(
      String name, String kind, String spec, String field, KubernetesClient client) {
    GenericKubernetesResource resource = resource(kind, "invalid", spec);
    assertThatThrownBy(() -> client.resource(resource).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(field);
  }

  /**
   * One field past its bound, and what the refusal must say: the field's path, and for the CEL
   * rules over spec.env (whose items are fabric8's EnvVar) the rule's own message.
   */
  static Stream<Arguments> oversized() {
    return Stream.of(
        app("image of 513 characters", Map.of("image", chars(513)), "spec.image", "Too long"),
        app("65 command items", image("command", strings(65, 1)), "spec.command", "Too many"),
        app(
            "command item of 4097 characters",
            image("command", List.of("python", chars(4097))),
            "spec.command[1]",
            "Too long"),
        app("65 args", image("args", strings(65, 1)), "spec.args", "Too many"),
        app(
            "arg of 4097 characters",
            image("args", List.of(chars(4097))),
            "spec.args[0]",
            "Too long"),
        app("129 env vars", image("env", envVars(129)), "spec.env", "Too many"),
        app(
            "env name of 257 characters",
            image("env", List.of(Map.of("name", chars(257), "value", "v"))),
            "spec.env: each name must be at most 256 characters"),
        app(
            "env value of 32769 characters",
            image("env", List.of(Map.of("name", "BIG", "value", chars(32769)))),
            "spec.env: each value must be at most 32768 characters"),
        valueFrom("configMapKeyRef", Map.of("name", chars(513), "key", "k")),
        valueFrom("configMapKeyRef", Map.of("name", "cm", "key", chars(513))),
        valueFrom("secretKeyRef", Map.of("name", chars(513), "key", "k")),
        valueFrom("secretKeyRef", Map.of("name", "s", "key", chars(513))),
        valueFrom("fieldRef", Map.of("apiVersion", chars(513), "fieldPath", "metadata.name")),
        valueFrom("fieldRef", Map.of("fieldPath", chars(513))),
        valueFrom("resourceFieldRef", Map.of("containerName", chars(513), "resource", "cpu")),
        valueFrom("resourceFieldRef", Map.of("resource", chars(513))),
        valueFrom("resourceFieldRef", Map.of("resource", "cpu", "divisor", chars(513))),
        valueFrom("fileKeyRef", Map.of("path", chars(513), "key", "k", "volumeName", "v")),
        valueFrom("fileKeyRef", Map.of("path", "p", "key", chars(513), "volumeName", "v")),
        valueFrom("fileKeyRef", Map.of("path", "p", "key", "k", "volumeName", chars(513))),
        app(
            "cpu of 65 characters",
            image("resources", Map.of("cpu", "1".repeat(65))),
            "spec.resources.cpu",
            "Too long"),
        app(
            "memory of 65 characters",
            image("resources", Map.of("memory", "1".repeat(65))),
            "spec.resources.memory",
            "Too long"),
        app("65 gpus", image("resources", Map.of("gpu", 65)), "spec.resources.gpu", "64"),
        app(
            "probe path of 1025 characters",
            image("probe", Map.of("path", "/" + chars(1024))),
            "spec.probe.path",
            "Too long"),
        app("1001 replicas", image("replicas", 1001), "spec.replicas", "1000"),
        app(
            "idle timeout of a day and a second",
            image("streaming", Map.of("enabled", true, "idleTimeoutSeconds", 86401)),
            "spec.streaming.idleTimeoutSeconds",
            "86400"),
        app(
            "stream lifetime of a day and a second",
            image("streaming", Map.of("enabled", true, "maxStreamSeconds", 86401)),
            "spec.streaming.maxStreamSeconds",
            "86400"),
        app(
            "maxReplicas 1001",
            image("autoscaling", Map.of("maxReplicas", 1001)),
            "spec.autoscaling.maxReplicas",
            "1000"),
        app(
            "minReplicas 1001",
            image("autoscaling", Map.of("minReplicas", 1001, "maxReplicas", 1000)),
            "spec.autoscaling.minReplicas",
            "1000"),
        token(
            "labelSelector of 4097 characters",
            Map.of("role", "Reader", "labelSelector", "a=" + chars(4095)),
            "spec.labelSelector",
            "Too long"),
        token(
            "description of 1025 characters",
            Map.of("role", "Reader", "description", chars(1025)),
            "spec.description",
            "Too long"),
        token(
            "expiresAt of 65 characters",
            Map.of("role", "Reader", "expiresAt", "2027-01-01T00:00:00." + "0".repeat(44) + "Z"),
            "spec.expiresAt",
            "Too long"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oversized")
  void refusesOversizedFieldNamingIt(
      String name, String kind, Map<String, Object> spec, List<String> words, KubernetesClient c) {
    GenericKubernetesResource resource = resource(kind, "oversized", "{}");
    resource.setAdditionalProperty("spec", spec);
    assertThatThrownBy(() -> c.resource(resource).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .satisfies(e -> assertThat(e.getMessage()).contains(words));
  }

  @Test
  void acceptsAppWithEveryBoundedFieldAtItsLimit(KubernetesClient client) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("image", chars(512));
    spec.put("command", strings(64, 4096));
    spec.put("args", strings(64, 4096));
    spec.put("resources", Map.of("cpu", "1".repeat(64), "memory", "2".repeat(64), "gpu", 64));
    spec.put("probe", Map.of("path", "/" + chars(1023)));
    spec.put("replicas", 1000);
    spec.put(
        "streaming",
        Map.of("enabled", true, "idleTimeoutSeconds", 86400, "maxStreamSeconds", 86400));
    AiApp app = client.resource(typed(AiApp.class, generic("AiApp", "at-limits", spec))).create();
    assertThat(app.getSpec().getImage()).hasSize(512);
    assertThat(app.getSpec().getCommand()).hasSize(64).allSatisfy(c -> assertThat(c).hasSize(4096));
    assertThat(app.getSpec().getArgs()).hasSize(64);
    assertThat(app.getSpec().getProbe().getPath()).hasSize(1024);

    Map<String, Object> scaled = new LinkedHashMap<>();
    scaled.put("image", "nginx");
    scaled.put("autoscaling", Map.of("minReplicas", 1000, "maxReplicas", 1000));
    client.resource(typed(AiApp.class, generic("AiApp", "at-limits-scaled", scaled))).create();
  }

  @Test
  void acceptsEnvAtItsLimits(KubernetesClient client) {
    // 128 values of 32 KiB would pass the schema but not the API server's request size limit:
    // each bound is tried on its own.
    List<Map<String, Object>> env = new ArrayList<>(envVars(120));
    env.add(Map.of("name", chars(256), "value", chars(32768)));
    env.add(Map.of("name", "CM", "valueFrom", ref("configMapKeyRef", "name", "key")));
    env.add(Map.of("name", "SECRET", "valueFrom", ref("secretKeyRef", "name", "key")));
    env.add(Map.of("name", "FIELD", "valueFrom", ref("fieldRef", "apiVersion", "fieldPath")));
    env.add(
        Map.of(
            "name",
            "RESOURCE",
            "valueFrom",
            ref("resourceFieldRef", "containerName", "resource", "divisor")));
    env.add(
        Map.of(
            "name",
            "RESOURCE_INT_DIVISOR",
            "valueFrom",
            Map.of("resourceFieldRef", Map.of("resource", "limits.cpu", "divisor", 1))));
    env.add(Map.of("name", "FILE", "valueFrom", ref("fileKeyRef", "path", "key", "volumeName")));
    env.add(Map.of("name", "EMPTY"));
    assertThat(env).hasSize(128);
    AiApp app =
        client
            .resource(
                typed(
                    AiApp.class,
                    generic("AiApp", "env-at-limits", Map.of("image", "nginx", "env", env))))
            .create();
    assertThat(app.getSpec().getEnv()).hasSize(128);
    assertThat(app.getSpec().getEnv().get(120).getValue()).hasSize(32768);
  }

  @Test
  void acceptsTokenWithEveryBoundedFieldAtItsLimit(KubernetesClient client) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("role", "Reader");
    spec.put("labelSelector", "a=" + chars(4094));
    spec.put("description", chars(1024));
    spec.put("expiresAt", "2027-01-01T00:00:00." + "0".repeat(43) + "Z");
    AiToken token =
        client.resource(typed(AiToken.class, generic("AiToken", "at-limits", spec))).create();
    assertThat(token.getSpec().getLabelSelector()).hasSize(4096);
    assertThat(token.getSpec().getDescription()).hasSize(1024);
    assertThat(token.getSpec().getExpiresAt()).hasSize(64);
  }

  @Test
  void refusesTokenSelectorWithControlCharacters(KubernetesClient client) {
    GenericKubernetesResource token = resource("AiToken", "nul", "{role: Reader}");
    ((Map<String, Object>) token.getAdditionalProperties().get("spec"))
        .put("labelSelector", "\u0000group=A");
    assertThatThrownBy(() -> client.resource(token).create())
        .hasMessageContaining("spec.labelSelector");
  }

  @Test
  void refusesAppWithoutSpec(KubernetesClient client) {
    GenericKubernetesResource app = resource("AiApp", "no-spec", "{}");
    app.getAdditionalProperties().remove("spec");
    assertThatThrownBy(() -> client.resource(app).create()).hasMessageContaining("spec");
  }

  @Test
  void appliesDefaultsToValidApp(KubernetesClient client) {
    AiApp app =
        client
            .resource(typed(AiApp.class, resource("AiApp", "defaults", "{image: nginx}")))
            .create();
    assertThat(app.getSpec().getPort()).isEqualTo(8080);
    assertThat(app.getSpec().getState()).isEqualTo(AppState.Running);
    assertThat(app.getSpec().getAccess()).isEqualTo(Access.Token);
    assertThat(app.getSpec().getReplicas()).as("no schema default for replicas").isNull();

    AiApp scaled =
        client
            .resource(
                typed(
                    AiApp.class,
                    resource("AiApp", "scaled", "{image: nginx, autoscaling: {maxReplicas: 3}}")))
            .create();
    Autoscaling autoscaling = scaled.getSpec().getAutoscaling();
    assertThat(autoscaling.getMinReplicas()).isEqualTo(1);
    assertThat(autoscaling.getResourceType()).isEqualTo(ResourceType.CPU);
    assertThat(autoscaling.getAverageUtilization()).isEqualTo(75);

    AiApp streaming =
        client
            .resource(
                typed(
                    AiApp.class,
                    resource("AiApp", "streaming", "{image: nginx, streaming: {enabled: true}}")))
            .create();
    assertThat(streaming.getSpec().getStreaming().getIdleTimeoutSeconds()).isEqualTo(3600);
    assertThat(streaming.getSpec().getStreaming().getMaxStreamSeconds())
        .as("no stream lifetime unless asked")
        .isNull();
  }

  @Test
  void roundTripsValidToken(KubernetesClient client) {
    String spec =
        "{role: Operator, labelSelector: 'group in (A,B),!legacy', expiresAt:"
            + " '2030-01-31T12:00:00+01:00', description: ops team}";
    AiToken token =
        client.resource(typed(AiToken.class, resource("AiToken", "ops", spec))).create();
    AiToken read = client.resources(AiToken.class).inNamespace(namespace).withName("ops").get();
    assertThat(read.getSpec().getRole()).isEqualTo(Role.Operator);
    assertThat(read.getSpec().getLabelSelector()).isEqualTo("group in (A,B),!legacy");
    assertThat(read.getSpec().getExpiresAt()).isEqualTo("2030-01-31T12:00:00+01:00");
    assertThat(read.getSpec().getDescription()).isEqualTo("ops team");
    assertThat(read.getMetadata().getUid()).isEqualTo(token.getMetadata().getUid());
  }

  @Test
  void kubectlExplainShowsFieldDescriptions(LocalControlPlane.Cluster cluster) {
    // The API server publishes a new CRD's OpenAPI a moment after it is established.
    Awaitility.await()
        .atMost(60, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThat(cluster.kubectl("explain", "aiapp.spec.image").output())
                    .contains("Container image that serves the app"));
    assertThat(cluster.kubectl("explain", "aitoken.spec.labelSelector").output())
        .contains("kubectl label-selector syntax");
  }

  @Test
  void kubectlGetAideployListsBothKindsWithPrinterColumns(
      KubernetesClient client, LocalControlPlane.Cluster cluster) {
    client.resource(typed(AiApp.class, resource("AiApp", "listed", "{image: nginx}"))).create();
    client.resource(typed(AiToken.class, resource("AiToken", "listed", "{role: Reader}"))).create();
    // Discovery of a new category can lag a moment behind the CRD being established.
    Awaitility.await()
        .atMost(60, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              LocalControlPlane.CommandResult result =
                  cluster.kubectl("get", "aideploy", "-n", namespace);
              assertThat(result.exitCode()).as(result.output()).isZero();
              assertThat(result.output())
                  .contains("aiapp.aideploy.io/listed", "aitoken.aideploy.io/listed")
                  .contains(
                      "PHASE", "URL", "READY", "AGE", "ROLE", "SELECTOR", "APPS", "LAST-USED");
            });
  }

  private static GenericKubernetesResource resource(String kind, String name, String specYaml) {
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion(AiApp.GROUP + "/" + AiApp.VERSION);
    resource.setKind(kind);
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    // Prefixed so that the parser reads YAML flow style, not JSON.
    Map<?, ?> wrapped = Serialization.unmarshal("spec: " + specYaml, Map.class);
    resource.setAdditionalProperty("spec", wrapped.get("spec"));
    return resource;
  }

  private static GenericKubernetesResource generic(
      String kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource resource = resource(kind, name, "{}");
    resource.setAdditionalProperty("spec", spec);
    return resource;
  }

  private static Arguments app(String name, Map<String, Object> spec, String... words) {
    return Arguments.of(name, "AiApp", spec, List.of(words));
  }

  private static Arguments token(String name, Map<String, Object> spec, String... words) {
    return Arguments.of(name, "AiToken", spec, List.of(words));
  }

  /** An app whose one env var takes {@code fields} from a {@code source} with a field too long. */
  private static Arguments valueFrom(String source, Map<String, Object> fields) {
    String tooLong =
        fields.entrySet().stream()
            .filter(e -> e.getValue() instanceof String v && v.length() > 512)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    return app(
        "valueFrom." + source + "." + tooLong + " of 513 characters",
        image("env", List.of(Map.of("name", "REF", "valueFrom", Map.of(source, fields)))),
        "spec.env: each string in a valueFrom must be at most 512 characters");
  }

  /** A valueFrom whose {@code source} has each of {@code fields} at 512 characters. */
  private static Map<String, Object> ref(String source, String... fields) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String field : fields) {
      values.put(field, chars(512));
    }
    return Map.of(source, values);
  }

  /** A valid app spec (image nginx) with one more field. */
  private static Map<String, Object> image(String field, Object value) {
    return Map.of("image", "nginx", field, value);
  }

  private static String chars(int length) {
    return "a".repeat(length);
  }

  private static List<String> strings(int count, int length) {
    return Collections.nCopies(count, chars(length));
  }

  private static List<Map<String, Object>> envVars(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> Map.<String, Object>of("name", "V" + i, "value", "v"))
        .toList();
  }

  private static <T> T typed(Class<T> type, GenericKubernetesResource resource) {
    return Serialization.unmarshal(Serialization.asJson(resource), type);
  }
}
