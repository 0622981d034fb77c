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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  private static <T> T typed(Class<T> type, GenericKubernetesResource resource) {
    return Serialization.unmarshal(Serialization.asJson(resource), type);
  }
}
