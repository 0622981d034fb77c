package io.aideploy.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.Streaming;
import io.aideploy.app.dependent.ExposureKinds;
import io.aideploy.config.Exposure;
import io.aideploy.config.Exposure.AuthImplementation;
import io.aideploy.config.Settings;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.testing.Helm;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.ProxyCrds;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateway API exposure against the real API server with the real CRDs of Gateway API (v1.6
 * experimental), Traefik and Envoy Gateway: every object the operator writes is accepted (schema
 * and CEL rules), stays unchanged when nothing changes, follows the app's access, and is removed
 * when the configuration no longer uses its kind.
 */
@ExtendWith(LocalControlPlane.class)
class GatewayApiExposureIT {
  /** The client headers every generated external-auth configuration passes to the gateway. */
  private static final List<String> AUTH_HEADERS =
      List.of(
          "Authorization",
          "Cookie",
          "Accept",
          "Origin",
          "Access-Control-Request-Method",
          "X-HTTP-Method-Override",
          "X-HTTP-Method",
          "X-Method-Override");

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Exposure.ParentGateway PARENT =
      new Exposure.ParentGateway("edge", "public", "https");

  private KubernetesClient client;
  private String namespace;
  private AppEdits apps;

  @BeforeEach
  void setUp(KubernetesClient kubernetes) {
    client = kubernetes;
    ProxyCrds.install(
        client,
        ProxyCrds.HTTP_ROUTES,
        ProxyCrds.TRAEFIK_MIDDLEWARES,
        ProxyCrds.ENVOY_SECURITY_POLICIES);
    namespace = TestNamespaces.create(client, "gwapi");
    apps = new AppEdits(client, namespace);
  }

  @Test
  void traefikGetsARouteWithAnExtensionRefToAForwardAuthMiddleware() {
    try (TestOperator operator = start(AuthImplementation.TRAEFIK)) {
      AiApp app = create("web", Access.Token);
      String uid = app.getMetadata().getUid();
      GenericKubernetesResource route = awaitChild(ExposureKinds.HTTP_ROUTE, "web");
      GenericKubernetesResource middleware = awaitChild(ExposureKinds.TRAEFIK_MIDDLEWARE, "web");
      assertOwnedAndLabelled(route, uid);
      assertOwnedAndLabelled(middleware, uid);

      assertThat(route.<Object>get("spec", "parentRefs"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "group", "gateway.networking.k8s.io",
                      "kind", "Gateway",
                      "namespace", "edge",
                      "name", "public",
                      "sectionName", "https")));
      assertThat(route.<Object>get("spec", "hostnames"))
          .isEqualTo(List.of(uid + ".apps.test.local"));
      assertThat(route.<Object>get("spec", "rules", 0, "filters"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "type",
                      "ExtensionRef",
                      "extensionRef",
                      Map.of("group", "traefik.io", "kind", "Middleware", "name", "web"))));
      assertThat(route.<Object>get("spec", "rules", 0, "backendRefs"))
          .isEqualTo(
              List.of(
                  Map.of("group", "", "kind", "Service", "name", "web", "port", 80, "weight", 1)));
      assertThat(middleware.<Object>get("spec", "forwardAuth"))
          .isEqualTo(
              Map.of(
                  "address",
                  "http://gateway.test.svc:8080/auth/traefik",
                  "trustForwardHeader",
                  false,
                  "authRequestHeaders",
                  AUTH_HEADERS,
                  "authResponseHeaders",
                  List.of("X-Aideploy-Token", "X-Aideploy-Role"),
                  "maxResponseBodySize",
                  65536));
      assertThat(client.network().v1().ingresses().inNamespace(namespace).withName("web").get())
          .isNull();

      assertUnchangedByAnotherReconcile(operator, app, route, middleware);

      setAccess("web", Access.Public);
      await().atMost(WAIT).until(() -> get(ExposureKinds.TRAEFIK_MIDDLEWARE, "web") == null);
      assertThat(get(ExposureKinds.HTTP_ROUTE, "web").<Object>get("spec", "rules", 0, "filters"))
          .isNull();

      setAccess("web", Access.Token);
      awaitChild(ExposureKinds.TRAEFIK_MIDDLEWARE, "web");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  get(ExposureKinds.HTTP_ROUTE, "web").get("spec", "rules", 0, "filters") != null);
    }
  }

  @Test
  void envoyGatewayGetsASecurityPolicyWithExtAuthTargetingTheRoute() {
    try (TestOperator operator = start(AuthImplementation.ENVOY_GATEWAY)) {
      AiApp app = create("api", Access.Token);
      GenericKubernetesResource route = awaitChild(ExposureKinds.HTTP_ROUTE, "api");
      GenericKubernetesResource policy = awaitChild(ExposureKinds.ENVOY_SECURITY_POLICY, "api");
      assertOwnedAndLabelled(policy, app.getMetadata().getUid());
      assertThat(route.<Object>get("spec", "rules", 0, "filters")).isNull();
      assertThat(policy.<Object>get("spec", "targetRefs"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "api")));
      assertThat(policy.<Object>get("spec", "extAuth"))
          .isEqualTo(
              Map.of(
                  "http",
                  Map.of(
                      "backendRefs",
                      List.of(
                          Map.of(
                              "group", "",
                              "kind", "Service",
                              "name", "gateway",
                              "namespace", "test",
                              "port", 8080,
                              "weight", 1)),
                      "path",
                      "/auth/envoy",
                      "headersToBackend",
                      List.of("X-Aideploy-Token", "X-Aideploy-Role")),
                  "headersToExtAuth",
                  AUTH_HEADERS,
                  "failOpen",
                  false));

      assertUnchangedByAnotherReconcile(operator, app, route, policy);

      setAccess("api", Access.Public);
      await().atMost(WAIT).until(() -> get(ExposureKinds.ENVOY_SECURITY_POLICY, "api") == null);
    }
  }

  @Test
  void theExternalAuthFilterCallsTheGatewayServiceWithTheAllowedHeaders() {
    try (TestOperator operator = start(AuthImplementation.EXTERNAL_AUTH)) {
      AiApp app = create("std", Access.Token);
      GenericKubernetesResource route = awaitChild(ExposureKinds.HTTP_ROUTE, "std");
      assertThat(route.<Object>get("spec", "rules", 0, "filters"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "type",
                      "ExternalAuth",
                      "externalAuth",
                      Map.of(
                          "protocol",
                          "HTTP",
                          "backendRef",
                          Map.of(
                              "group", "",
                              "kind", "Service",
                              "name", "gateway",
                              "namespace", "test",
                              "port", 8080),
                          "http",
                          Map.of(
                              "path",
                              "/auth/envoy",
                              "allowedHeaders",
                              AUTH_HEADERS,
                              "allowedResponseHeaders",
                              List.of("X-Aideploy-Token", "X-Aideploy-Role"))))));

      assertUnchangedByAnotherReconcile(operator, app, route);

      setAccess("std", Access.Public);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  get(ExposureKinds.HTTP_ROUTE, "std").get("spec", "rules", 0, "filters") == null);
    }
  }

  @Test
  void aStreamingAppsRouteLiftsTheRequestTimeoutOrBoundsItByTheStreamLifetime() {
    try (TestOperator operator = start(AuthImplementation.EXTERNAL_AUTH)) {
      Streaming streaming = new Streaming();
      streaming.setEnabled(true);
      AiApp app = create("chat", Access.Token, streaming);
      GenericKubernetesResource route = awaitChild(ExposureKinds.HTTP_ROUTE, "chat");
      // Accepted by the real CRD (duration pattern, CEL rules) with nothing left to default.
      assertThat(route.<Object>get("spec", "rules", 0, "timeouts"))
          .isEqualTo(Map.of("request", "0s"));
      assertUnchangedByAnotherReconcile(operator, app, route);

      streaming("chat", true, 600);
      await()
          .atMost(WAIT)
          .until(
              () -> get(ExposureKinds.HTTP_ROUTE, "chat").get("spec", "rules", 0, "timeouts"),
              Map.of("request", "600s")::equals);

      streaming("chat", false, 600);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  get(ExposureKinds.HTTP_ROUTE, "chat").get("spec", "rules", 0, "timeouts")
                      == null);
    }
  }

  @Test
  void switchingTheConfigurationRemovesTheChildrenItNoLongerUses() {
    String uid;
    try (TestOperator operator = start(Exposure.INGRESS)) {
      uid = create("sw", Access.Token).getMetadata().getUid();
      await().atMost(WAIT).until(() -> ingress("sw") != null);
    }
    try (TestOperator operator = start(AuthImplementation.TRAEFIK)) {
      awaitChild(ExposureKinds.TRAEFIK_MIDDLEWARE, "sw");
      awaitChild(ExposureKinds.HTTP_ROUTE, "sw");
      await().atMost(WAIT).until(() -> ingress("sw") == null);
    }
    try (TestOperator operator = start(AuthImplementation.ENVOY_GATEWAY)) {
      awaitChild(ExposureKinds.ENVOY_SECURITY_POLICY, "sw");
      await().atMost(WAIT).until(() -> get(ExposureKinds.TRAEFIK_MIDDLEWARE, "sw") == null);
      assertThat(get(ExposureKinds.HTTP_ROUTE, "sw")).isNotNull();
    }
    try (TestOperator operator = start(Exposure.INGRESS)) {
      await().atMost(WAIT).until(() -> ingress("sw") != null);
      await().atMost(WAIT).until(() -> get(ExposureKinds.HTTP_ROUTE, "sw") == null);
      await().atMost(WAIT).until(() -> get(ExposureKinds.ENVOY_SECURITY_POLICY, "sw") == null);
    }
    assertThat(ingress("sw").getMetadata().getLabels()).containsEntry(ReservedLabels.ID, uid);
  }

  @Test
  void missingCrdsAreReportedOnTheAppWithoutWatchingOrWriting() {
    ProxyCrds.uninstall(client, ProxyCrds.ENVOY_SECURITY_POLICIES);
    try (TestOperator operator = start(AuthImplementation.ENVOY_GATEWAY)) {
      assertThat(operator.isReady()).isTrue();
      create("lost", Access.Token);
      AiApp reported =
          await()
              .atMost(WAIT)
              .until(
                  () -> client.resources(AiApp.class).inNamespace(namespace).withName("lost").get(),
                  a -> a.getStatus() != null && a.getStatus().getConditions() != null);
      Condition ready = reported.getStatus().getConditions().get(0);
      assertThat(ready.getType()).isEqualTo(Condition.READY);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("GatewayApiNotInstalled");
      assertThat(ready.getMessage()).contains("securitypolicies.gateway.envoyproxy.io");
      assertThat(reported.getStatus().getPhase()).isEqualTo(AppPhase.Failed);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  client.v1().events().inNamespace(namespace).list().getItems().stream()
                      .anyMatch(
                          e ->
                              "GatewayApiNotInstalled".equals(e.getReason())
                                  && e.getMessage()
                                      .contains("securitypolicies.gateway.envoyproxy.io")));
      // Reconciled once more, and still no route.
      operator.reconciles().awaitReconciled(poke("lost"));
      assertThat(get(ExposureKinds.HTTP_ROUTE, "lost")).isNull();
      assertThat(operator.isReady()).isTrue();
    } finally {
      ProxyCrds.install(client, ProxyCrds.ENVOY_SECURITY_POLICIES);
    }
  }

  @Test
  void theChartsReferenceGrantsAreAcceptedByTheRealCrd() {
    ProxyCrds.install(client, ProxyCrds.REFERENCE_GRANTS);
    for (String auth : List.of("envoy-gateway", "external-auth")) {
      LocalControlPlane.CommandResult rendered =
          Helm.required()
              .run(
                  "template",
                  "aideploy",
                  Helm.required().chart().toString(),
                  "-n",
                  namespace,
                  "--show-only",
                  "templates/reference-grant.yaml",
                  "--set",
                  "settings.exposure.mode=gateway-api",
                  "--set",
                  "settings.exposure.gatewayApi.parent.namespace=edge",
                  "--set",
                  "settings.exposure.gatewayApi.parent.name=public",
                  "--set",
                  "settings.exposure.gatewayApi.auth=" + auth,
                  "--set",
                  "settings.watchNamespaces={team-a,team-b}");
      assertThat(rendered.exitCode()).as(rendered.output()).isZero();
      HasMetadata grant =
          client
              .load(new java.io.ByteArrayInputStream(rendered.output().getBytes(UTF_8)))
              .items()
              .get(0);
      assertThat(grant.getKind()).isEqualTo("ReferenceGrant");
      HasMetadata applied = client.resource(grant).forceConflicts().serverSideApply();
      assertThat(applied.getMetadata().getUid()).isNotNull();
      client.resource(applied).delete();
    }
  }

  @Test
  void theChartsSignInRouteIsAcceptedByTheRealCrd() {
    LocalControlPlane.CommandResult rendered =
        Helm.required()
            .run(
                "template",
                "aideploy",
                Helm.required().chart().toString(),
                "-n",
                namespace,
                "--show-only",
                "templates/gateway-route.yaml",
                "--set",
                "gateway.ingress.enabled=true",
                "--set",
                "settings.exposure.mode=gateway-api",
                "--set",
                "settings.exposure.gatewayApi.parent.namespace=edge",
                "--set",
                "settings.exposure.gatewayApi.parent.name=public",
                "--set",
                "settings.exposure.gatewayApi.parent.sectionName=https",
                "--set",
                "settings.exposure.gatewayApi.auth=istio");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    HasMetadata route =
        client
            .load(new java.io.ByteArrayInputStream(rendered.output().getBytes(UTF_8)))
            .items()
            .get(0);
    assertThat(route.getKind()).isEqualTo("HTTPRoute");
    HasMetadata applied = client.resource(route).forceConflicts().serverSideApply();
    // Every default written out: what the API server stored is what the chart rendered.
    var serialization = client.getKubernetesSerialization();
    assertThat(serialization.convertValue(applied, Map.class).get("spec"))
        .isEqualTo(serialization.convertValue(route, Map.class).get("spec"));
    client.resource(applied).delete();
  }

  private TestOperator start(AuthImplementation auth) {
    return start(
        Exposure.gatewayApi(PARENT, auth, Exposure.ServiceAddress.of(TestOperator.GATEWAY_URL)));
  }

  private TestOperator start(Exposure exposure) {
    Settings settings =
        TestOperator.settingsWatching(namespace).toBuilder().exposure(exposure).build();
    return TestOperator.start(client, settings);
  }

  private AiApp create(String name, Access access) {
    return create(name, access, null);
  }

  private AiApp create(String name, Access access, Streaming streaming) {
    return apps.create(name, access, streaming);
  }

  private void setAccess(String name, Access access) {
    apps.setAccess(name, access);
  }

  private void streaming(String name, boolean enabled, Integer maxStreamSeconds) {
    apps.edit(
        name,
        a -> {
          Streaming streaming = new Streaming();
          streaming.setEnabled(enabled);
          streaming.setMaxStreamSeconds(maxStreamSeconds);
          a.getSpec().setStreaming(streaming);
          return a;
        });
  }

  private AiApp poke(String name) {
    return apps.poke(name);
  }

  /**
   * Changes an annotation of the app (which reconciles it without changing what its children should
   * be), waits for that reconcile, and checks that no child was written again: the server's
   * defaults are all in the desired objects, so server-side apply finds nothing to change.
   */
  private void assertUnchangedByAnotherReconcile(
      TestOperator operator, AiApp app, GenericKubernetesResource... children) {
    operator.reconciles().awaitReconciled(poke(app.getMetadata().getName()));
    for (GenericKubernetesResource child : children) {
      GroupVersionKindPlural kind =
          List.of(
                  ExposureKinds.HTTP_ROUTE,
                  ExposureKinds.TRAEFIK_MIDDLEWARE,
                  ExposureKinds.ENVOY_SECURITY_POLICY)
              .stream()
              .filter(k -> k.getKind().equals(child.getKind()))
              .findFirst()
              .orElseThrow();
      assertThat(get(kind, child.getMetadata().getName()).getMetadata().getResourceVersion())
          .as("%s written again", child.getKind())
          .isEqualTo(child.getMetadata().getResourceVersion());
      // Nor applied again without a change (which leaves the version as it was): an update is
      // reported in an Updated Event.
      assertThat(client.v1().events().inNamespace(namespace).list().getItems())
          .noneMatch(
              e -> "Updated".equals(e.getReason()) && e.getMessage().contains(child.getKind()));
    }
  }

  private void assertOwnedAndLabelled(HasMetadata child, String uid) {
    assertThat(child.getMetadata().getLabels())
        .containsEntry(ReservedLabels.ID, uid)
        .containsEntry(ReservedLabels.TYPE, "app")
        .containsEntry(ReservedLabels.MANAGED_BY, "aideploy");
    OwnerReference owner = child.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getUid()).isEqualTo(uid);
    assertThat(owner.getController()).isTrue();
  }

  private Ingress ingress(String name) {
    return client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
  }

  private GenericKubernetesResource awaitChild(GroupVersionKindPlural kind, String name) {
    return await().atMost(WAIT).until(() -> get(kind, name), java.util.Objects::nonNull);
  }

  private GenericKubernetesResource get(GroupVersionKindPlural kind, String name) {
    return client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup(kind.getGroup())
                .withVersion(kind.getVersion())
                .withKind(kind.getKind())
                .withPlural(kind.getPluralOrDefault())
                .withNamespaced(true)
                .build())
        .inNamespace(namespace)
        .withName(name)
        .get();
  }
}
