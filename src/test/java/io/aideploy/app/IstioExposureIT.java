package io.aideploy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.app.dependent.ExposureKinds;
import io.aideploy.config.Exposure;
import io.aideploy.config.Settings;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.ProxyCrds;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Istio exposure against the real API server with the real Istio CRD (istio.io/api v1.32): the
 * AuthorizationPolicy the operator writes in the Gateway's namespace is accepted, is in place
 * before the route is published (and no route is published while it cannot be written), follows the
 * app's access, and is removed once the app is gone, also when the operator was down at the time.
 */
@ExtendWith(LocalControlPlane.class)
class IstioExposureIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration SHORT_SWEEP = Duration.ofSeconds(1);

  private KubernetesClient client;
  private String namespace;
  private AppEdits apps;
  private String edge;

  @BeforeEach
  void setUp(KubernetesClient kubernetes) {
    client = kubernetes;
    ProxyCrds.install(client, ProxyCrds.HTTP_ROUTES, ProxyCrds.ISTIO_AUTHORIZATION_POLICIES);
    namespace = TestNamespaces.create(client, "istio");
    apps = new AppEdits(client, namespace);
    edge = TestNamespaces.create(client, "edge");
  }

  @Test
  void aCustomPolicyInTheGatewayNamespaceGuardsTheAppHostFromBeforeTheRouteExists() {
    try (TestOperator operator = start(edge, SHORT_SWEEP)) {
      AiApp app = create("chat", Access.Token);
      String uid = app.getMetadata().getUid();
      String host = uid + "." + TestOperator.BASE_DOMAIN;
      GenericKubernetesResource route = awaitRoute("chat");
      GenericKubernetesResource policy = awaitPolicy(app);

      assertThat(policy.getMetadata().getNamespace()).isEqualTo(edge);
      assertThat(policy.getMetadata().getName())
          .startsWith("aideploy-" + namespace + "-chat-")
          .hasSizeLessThanOrEqualTo(63);
      assertThat(policy.getMetadata().getLabels())
          .containsEntry(ReservedLabels.ID, uid)
          .containsEntry(ReservedLabels.MANAGED_BY, "aideploy")
          .containsEntry(IstioPolicies.APP_NAMESPACE, namespace);
      assertThat(policy.getMetadata().getAnnotations())
          .containsEntry(IstioPolicies.APP_NAME, "chat");
      assertThat(policy.getMetadata().getOwnerReferences()).isNullOrEmpty();
      assertThat(policy.<Object>get("spec"))
          .isEqualTo(
              Map.of(
                  "targetRefs",
                  List.of(
                      Map.of(
                          "group",
                          "gateway.networking.k8s.io",
                          "kind",
                          "Gateway",
                          "name",
                          "public")),
                  "action",
                  "CUSTOM",
                  "provider",
                  Map.of("name", "aideploy-ext-authz"),
                  "rules",
                  List.of(
                      Map.of(
                          "to",
                          List.of(
                              Map.of("operation", Map.of("hosts", List.of(host, host + ":*"))))))));
      // The route itself carries no filter: the policy, attached to the Gateway, does the work.
      assertThat(route.<Object>get("spec", "rules", 0, "filters")).isNull();
      // Written before the route: resourceVersions are etcd revisions, one counter for every kind,
      // and neither object was written again since (checked below).
      assertThat(Long.parseLong(policy.getMetadata().getResourceVersion()))
          .isLessThan(Long.parseLong(route.getMetadata().getResourceVersion()));

      operator.reconciles().awaitReconciled(poke("chat"));
      assertThat(policy(app).getMetadata().getResourceVersion())
          .as("policy written again")
          .isEqualTo(policy.getMetadata().getResourceVersion());
      assertThat(route("chat").getMetadata().getResourceVersion())
          .isEqualTo(route.getMetadata().getResourceVersion());

      // Deleted by hand: the policy's own event re-reconciles the app, which writes it again.
      client.resource(policy).delete();
      awaitPolicy(app);

      setAccess("chat", Access.Public);
      await().atMost(WAIT).until(() -> policy(app) == null);
      assertThat(route("chat")).isNotNull();
      setAccess("chat", Access.Token);
      awaitPolicy(app);

      // Deleted app: no owner reference can reach across namespaces, the sweep removes it.
      client.resource(app).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      await().atMost(WAIT).until(() -> policy(app) == null);
    }
  }

  @Test
  void noRouteIsPublishedWhileThePolicyCannotBeWritten() {
    // The Gateway's namespace does not exist yet: the policy cannot be written.
    String later = "edge-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestOperator operator = start(later, SHORT_SWEEP)) {
      AiApp app = create("wait", Access.Token);
      await().atMost(WAIT).until(() -> operator.reconciles().failuresOf(app) > 0);
      assertThat(route("wait")).as("route published without its policy").isNull();

      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(later).endMetadata().build())
          .create();
      poke("wait");
      GenericKubernetesResource route = awaitRoute("wait");
      GenericKubernetesResource policy =
          await().atMost(WAIT).until(() -> policy(app, later), Objects::nonNull);
      assertThat(Long.parseLong(policy.getMetadata().getResourceVersion()))
          .isLessThan(Long.parseLong(route.getMetadata().getResourceVersion()));
    } finally {
      client.namespaces().withName(later).delete();
    }
  }

  @Test
  void theSweepAtStartRemovesThePoliciesOfAppsDeletedWhileTheOperatorWasDown() {
    AiApp kept;
    AiApp gone;
    try (TestOperator operator = start(edge, Exposure.IstioOptions.DEFAULT.orphanSweep())) {
      // Policy names sort by app name, and the sweep lists in name order: "a-kept" comes first.
      kept = create("a-kept", Access.Token);
      gone = create("z-gone", Access.Token);
      awaitPolicy(kept);
      awaitPolicy(gone);
    }
    String keptPolicyUid = policy(kept).getMetadata().getUid();
    // Background propagation and no finalizer: the app is gone at once, its children are the
    // garbage collector's business.
    client.resource(gone).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    assertThat(client.resources(AiApp.class).inNamespace(namespace).withName("z-gone").get())
        .isNull();
    // A long period: only the sweep at start can remove it.
    try (TestOperator operator = start(edge, Exposure.IstioOptions.DEFAULT.orphanSweep())) {
      await().atMost(WAIT).until(() -> policy(gone) == null);
      assertThat(policy(kept).getMetadata().getUid()).isEqualTo(keptPolicyUid);
    }
  }

  @Test
  void aMissingIstioCrdIsReportedOnTheApp() {
    ProxyCrds.uninstall(client, ProxyCrds.ISTIO_AUTHORIZATION_POLICIES);
    try (TestOperator operator = start(edge, SHORT_SWEEP)) {
      AiApp app = create("lost", Access.Token);
      AiApp reported =
          await()
              .atMost(WAIT)
              .until(
                  () -> client.resources(AiApp.class).inNamespace(namespace).withName("lost").get(),
                  a -> a.getStatus() != null && a.getStatus().getConditions() != null);
      Condition ready = reported.getStatus().getConditions().get(0);
      assertThat(ready.getReason()).isEqualTo("GatewayApiNotInstalled");
      assertThat(ready.getMessage()).contains("authorizationpolicies.security.istio.io (v1)");
      assertThat(route("lost")).isNull();
      assertThat(operator.isReady()).isTrue();
      assertThat(app).isNotNull();
    } finally {
      ProxyCrds.install(client, ProxyCrds.ISTIO_AUTHORIZATION_POLICIES);
    }
  }

  private TestOperator start(String gatewayNamespace, Duration sweep) {
    Exposure exposure =
        Exposure.gatewayApi(
                new Exposure.ParentGateway(gatewayNamespace, "public", "https"),
                Exposure.AuthImplementation.ISTIO,
                null)
            .withIstio(new Exposure.IstioOptions("aideploy-ext-authz", sweep));
    Settings settings =
        TestOperator.settingsWatching(namespace).toBuilder().exposure(exposure).build();
    return TestOperator.start(client, settings);
  }

  private AiApp create(String name, Access access) {
    return apps.create(name, access);
  }

  private void setAccess(String name, Access access) {
    apps.setAccess(name, access);
  }

  private AiApp poke(String name) {
    return apps.poke(name);
  }

  private GenericKubernetesResource awaitRoute(String name) {
    return await().atMost(WAIT).until(() -> route(name), Objects::nonNull);
  }

  private GenericKubernetesResource awaitPolicy(AiApp app) {
    return await().atMost(WAIT).until(() -> policy(app), Objects::nonNull);
  }

  private GenericKubernetesResource route(String name) {
    return get(ExposureKinds.HTTP_ROUTE, namespace, name);
  }

  private GenericKubernetesResource policy(AiApp app) {
    return policy(app, edge);
  }

  private GenericKubernetesResource policy(AiApp app, String gatewayNamespace) {
    return get(ExposureKinds.ISTIO_AUTHORIZATION_POLICY, gatewayNamespace, IstioPolicies.name(app));
  }

  private GenericKubernetesResource get(GroupVersionKindPlural kind, String ns, String name) {
    return client
        .genericKubernetesResources(kind.apiVersion(), kind.getKind())
        .inNamespace(ns)
        .withName(name)
        .get();
  }
}
