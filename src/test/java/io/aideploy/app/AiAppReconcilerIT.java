package io.aideploy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Autoscaling;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.Streaming;
import io.aideploy.app.dependent.IngressDependent;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.secrets.PodSecrets;
import io.aideploy.secrets.TokenSecretReferences;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.aideploy.token.TokenSecrets;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The AiApp reconciler, running in-process against the real local control plane. */
@ExtendWith(LocalControlPlane.class)
class AiAppReconcilerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestOperator operator;
  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void startOperator(KubernetesClient kubernetes) {
    client = kubernetes;
    operator = TestOperator.start(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @BeforeEach
  void namespace() {
    namespace = TestNamespaces.create(client, "aiapp");
  }

  @Test
  void createsLabelledOwnedChildrenAndReportsTheUrl() {
    AiApp app = create("hello", Map.of("group", "A"), spec -> spec);
    String uid = app.getMetadata().getUid();

    AiApp ready = awaitStatus("hello", s -> s.getUrl() != null);
    assertThat(ready.getStatus().getAppId()).isEqualTo(uid);
    assertThat(ready.getStatus().getUrl()).isEqualTo("https://" + uid + ".apps.test.local/");
    assertThat(ready.getMetadata().getLabels())
        .containsEntry(ReservedLabels.ID, uid)
        .containsEntry(ReservedLabels.TYPE, "app")
        .containsEntry("group", "A");

    Deployment deployment = awaitChild(Deployment.class, "hello");
    Service service = awaitChild(Service.class, "hello");
    Ingress ingress = awaitChild(Ingress.class, "hello");
    for (HasMetadata child : List.of(deployment, service, ingress)) {
      assertThat(child.getMetadata().getLabels())
          .containsEntry("group", "A")
          .containsEntry(ReservedLabels.ID, uid)
          .containsEntry(ReservedLabels.TYPE, "app")
          .containsEntry(ReservedLabels.MANAGED_BY, "aideploy");
      OwnerReference owner = child.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getUid()).isEqualTo(uid);
      assertThat(owner.getKind()).isEqualTo("AiApp");
      assertThat(owner.getController()).isTrue();
      assertThat(child.getMetadata().getOwnerReferences()).hasSize(1);
    }
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ovhcom/ai-deploy-hello-world");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry(ReservedLabels.ID, uid);
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);
    assertThat(service.getSpec().getSelector()).containsEntry(ReservedLabels.ID, uid);
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo(uid + ".apps.test.local");
    assertThat(
            ingress
                .getSpec()
                .getRules()
                .get(0)
                .getHttp()
                .getPaths()
                .get(0)
                .getBackend()
                .getService())
        .satisfies(
            backend -> {
              assertThat(backend.getName()).isEqualTo("hello");
              assertThat(backend.getPort().getNumber()).isEqualTo(80);
            });
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry(IngressDependent.AUTH_URL, "http://gateway.test.svc:8080/auth?app=" + uid)
        .containsEntry(
            IngressDependent.AUTH_SIGNIN,
            "https://login.apps.test.local/login?rd=$scheme://$http_host$escaped_request_uri")
        .containsEntry(IngressDependent.AUTH_RESPONSE_HEADERS, "X-Aideploy-Token,X-Aideploy-Role");
    await().atMost(WAIT).until(() -> events("Created").size() >= 1);
  }

  @Test
  void reservedLabelsCannotBeSpoofed() {
    AiApp app =
        create(
            "spoof",
            Map.of("ovh/id", "spoofed", "ovh/type", "job", "ovh/extra", "x", "team", "blue"),
            spec -> spec);
    String uid = app.getMetadata().getUid();
    Map<String, String> enforced = Map.of(ReservedLabels.ID, uid, ReservedLabels.TYPE, "app");

    await().atMost(WAIT).until(() -> hasEnforcedLabels(get(AiApp.class, "spoof"), uid));
    assertThat(get(AiApp.class, "spoof").getMetadata().getLabels())
        .containsEntry("team", "blue")
        .doesNotContainKey("ovh/extra");
    await().atMost(WAIT).until(() -> hasEnforcedLabels(get(Deployment.class, "spoof"), uid));
    await().atMost(WAIT).until(() -> !events("ReservedLabelsEnforced").isEmpty());

    // Patched later, on the AiApp and on a child: overwritten again.
    edit(
        AiApp.class,
        "spoof",
        a -> {
          a.getMetadata().getLabels().put("ovh/id", "spoofed-later");
          return a;
        });
    edit(
        Deployment.class,
        "spoof",
        d -> {
          d.getMetadata().getLabels().put("ovh/type", "job");
          return d;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(AiApp.class, "spoof").getMetadata().getLabels())
                  .containsAllEntriesOf(enforced);
              assertThat(get(Deployment.class, "spoof").getMetadata().getLabels())
                  .containsAllEntriesOf(enforced);
            });
  }

  @Test
  void publicAppsHaveNoAuthAnnotations() {
    create(
        "open",
        Map.of(),
        spec -> {
          spec.setAccess(Access.Public);
          return spec;
        });
    Ingress ingress = awaitChild(Ingress.class, "open");
    assertThat(
            ingress.getMetadata().getAnnotations() == null
                ? Map.of()
                : ingress.getMetadata().getAnnotations())
        .doesNotContainKeys(IngressDependent.AUTH_URL, IngressDependent.AUTH_SIGNIN);

    updateSpec(
        "open",
        spec -> {
          spec.setAccess(Access.Token);
          return spec;
        });
    await().atMost(WAIT).until(() -> annotations("open").containsKey(IngressDependent.AUTH_URL));
    assertThat(annotations("open"))
        .containsKeys(IngressDependent.AUTH_SIGNIN, IngressDependent.AUTH_RESPONSE_HEADERS);

    updateSpec(
        "open",
        spec -> {
          spec.setAccess(Access.Public);
          return spec;
        });
    await().atMost(WAIT).until(() -> !annotations("open").containsKey(IngressDependent.AUTH_URL));
  }

  @Test
  void aStreamingAppsIngressTurnsOffBufferingAndRaisesTheIdleTimeouts() {
    create("plain", Map.of(), spec -> spec);
    assertThat(awaitChild(Ingress.class, "plain").getMetadata().getAnnotations())
        .doesNotContainKeys(
            IngressDependent.PROXY_BUFFERING,
            IngressDependent.PROXY_READ_TIMEOUT,
            IngressDependent.PROXY_SEND_TIMEOUT);

    create(
        "chat",
        Map.of(),
        spec -> {
          Streaming streaming = new Streaming();
          streaming.setEnabled(true);
          streaming.setIdleTimeoutSeconds(900);
          spec.setStreaming(streaming);
          return spec;
        });
    assertThat(awaitChild(Ingress.class, "chat").getMetadata().getAnnotations())
        .containsEntry(IngressDependent.PROXY_BUFFERING, "off")
        .containsEntry(IngressDependent.PROXY_READ_TIMEOUT, "900")
        .containsEntry(IngressDependent.PROXY_SEND_TIMEOUT, "900")
        .containsKey(IngressDependent.AUTH_URL);

    updateSpec(
        "chat",
        spec -> {
          spec.getStreaming().setEnabled(false);
          return spec;
        });
    await()
        .atMost(WAIT)
        .until(() -> !annotations("chat").containsKey(IngressDependent.PROXY_BUFFERING));
    assertThat(annotations("chat"))
        .doesNotContainKeys(
            IngressDependent.PROXY_READ_TIMEOUT, IngressDependent.PROXY_SEND_TIMEOUT);
  }

  @Test
  void stopScalesToZeroAndStartRestores() {
    create(
        "fixed",
        Map.of(),
        spec -> {
          spec.setReplicas(2);
          return spec;
        });
    await().atMost(WAIT).until(() -> replicas("fixed") == 2);

    updateSpec(
        "fixed",
        spec -> {
          spec.setState(AppState.Stopped);
          return spec;
        });
    await().atMost(WAIT).until(() -> replicas("fixed") == 0);
    awaitStatus("fixed", s -> s.getPhase() == AppPhase.Stopped);
    assertThat(get(Service.class, "fixed")).isNotNull();
    assertThat(get(Ingress.class, "fixed")).isNotNull();
    await().atMost(WAIT).until(() -> !events("Stopped").isEmpty());

    updateSpec(
        "fixed",
        spec -> {
          spec.setState(AppState.Running);
          return spec;
        });
    await().atMost(WAIT).until(() -> replicas("fixed") == 2);
    awaitStatus("fixed", s -> s.getPhase() == AppPhase.Initializing);
    await().atMost(WAIT).until(() -> !events("Started").isEmpty());
  }

  @Test
  void autoscaledAppLosesItsAutoscalerWhileStopped() {
    create(
        "scaled",
        Map.of(),
        spec -> {
          Autoscaling autoscaling = new Autoscaling();
          autoscaling.setMinReplicas(1);
          autoscaling.setMaxReplicas(4);
          spec.setAutoscaling(autoscaling);
          return spec;
        });
    HorizontalPodAutoscaler hpa = awaitChild(HorizontalPodAutoscaler.class, "scaled");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(75);

    updateSpec(
        "scaled",
        spec -> {
          spec.setState(AppState.Stopped);
          return spec;
        });
    await().atMost(WAIT).until(() -> get(HorizontalPodAutoscaler.class, "scaled") == null);
    await().atMost(WAIT).until(() -> replicas("scaled") == 0);

    updateSpec(
        "scaled",
        spec -> {
          spec.setState(AppState.Running);
          return spec;
        });
    awaitChild(HorizontalPodAutoscaler.class, "scaled");
    await().atMost(WAIT).until(() -> replicas("scaled") >= 1);

    updateSpec(
        "scaled",
        spec -> {
          spec.setAutoscaling(null);
          spec.setReplicas(3);
          return spec;
        });
    await().atMost(WAIT).until(() -> get(HorizontalPodAutoscaler.class, "scaled") == null);
    await().atMost(WAIT).until(() -> replicas("scaled") == 3);
  }

  @Test
  void phaseFollowsThePodsAsAKubeletWouldReportThem() {
    create("phases", Map.of(), spec -> spec);
    awaitStatus("phases", s -> s.getPhase() == AppPhase.Initializing);

    Pod pod = awaitPod("phases");
    markPod(pod, true, null);
    AiApp running = awaitStatus("phases", s -> s.getPhase() == AppPhase.Running);
    assertThat(running.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(running.getStatus().getConditions().get(0).getStatus()).isEqualTo("True");

    updateSpec(
        "phases",
        spec -> {
          spec.setReplicas(2);
          return spec;
        });
    awaitStatus("phases", s -> s.getPhase() == AppPhase.Scaling);

    updateSpec(
        "phases",
        spec -> {
          spec.setReplicas(1);
          spec.setImage("registry.invalid/missing:1");
          return spec;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  pods("phases").stream()
                      .filter(
                          p ->
                              p.getSpec()
                                  .getContainers()
                                  .get(0)
                                  .getImage()
                                  .startsWith("registry.invalid"))
                      .toList();
              assertThat(pods).isNotEmpty();
              pods.forEach(p -> markPod(p, false, "ImagePullBackOff"));
            });
    // The old replica stays available, the new one cannot pull: a failed rollout.
    updateSpec(
        "phases",
        spec -> {
          spec.setReplicas(2);
          return spec;
        });
    AiApp failed = awaitStatus("phases", s -> s.getPhase() == AppPhase.Failed);
    assertThat(failed.getStatus().getConditions().get(0).getMessage()).contains("ImagePullBackOff");
  }

  @Test
  void deletingTheAppDeletesItsChildren() {
    create("doomed", Map.of(), spec -> spec);
    awaitChild(Deployment.class, "doomed");
    awaitChild(Ingress.class, "doomed");
    client.resources(AiApp.class).inNamespace(namespace).withName("doomed").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(Deployment.class, "doomed")).isNull();
              assertThat(get(Service.class, "doomed")).isNull();
              assertThat(get(Ingress.class, "doomed")).isNull();
              assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems())
                  .isEmpty();
              assertThat(client.pods().inNamespace(namespace).list().getItems()).isEmpty();
            });
  }

  @Test
  void driftIsRepaired() {
    create("drift", Map.of(), spec -> spec);
    awaitChild(Deployment.class, "drift");
    awaitChild(Service.class, "drift");
    edit(
        Deployment.class,
        "drift",
        d -> {
          d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil/image");
          d.getSpec().setReplicas(7);
          return d;
        });
    client.services().inNamespace(namespace).withName("drift").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = get(Deployment.class, "drift");
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("ovhcom/ai-deploy-hello-world");
              assertThat(d.getSpec().getReplicas()).isEqualTo(1);
              assertThat(get(Service.class, "drift")).isNotNull();
            });
  }

  @Test
  void aNoOpReconcileWritesNothing() {
    create("quiet", Map.of(), spec -> spec);
    awaitStatus("quiet", s -> s.getPhase() == AppPhase.Initializing);
    awaitChild(Ingress.class, "quiet");
    // Settled: the deployment controller has written the Deployment's status...
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Deployment d = get(Deployment.class, "quiet");
              return d.getStatus() != null
                  && Objects.equals(
                      d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration());
            });
    // ...and nothing has moved for a second (status-only writes trigger no reconcile here, so
    // there is no reconcile to wait for on the status the operator wrote last).
    List<String> before = stableVersions("quiet");

    // An annotation change triggers a reconcile without changing anything the operator manages.
    edit(
        AiApp.class,
        "quiet",
        a -> {
          a.getMetadata().setAnnotations(Map.of("touched", "yes"));
          return a;
        });
    AiApp annotated = get(AiApp.class, "quiet");
    String annotatedVersion = annotated.getMetadata().getResourceVersion();
    // Evidence, not a pause: the reconcile that the annotation triggered has finished.
    operator.reconciles().awaitReconciled(annotated);

    List<String> after = versions("quiet");
    assertThat(after.subList(1, after.size()))
        .as("children untouched")
        .isEqualTo(before.subList(1, before.size()));
    assertThat(after.get(0)).as("no status write after the annotation").isEqualTo(annotatedVersion);
  }

  @Test
  void nameClashWithAnUnmanagedDeploymentIsReported() {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(unmanagedDeployment("clash", Map.of("app", "clash")))
        .create();
    create("clash", Map.of(), spec -> spec);
    AiApp failed =
        awaitStatus(
            "clash",
            s ->
                !s.getConditions().isEmpty()
                    && "ReconcileError".equals(s.getConditions().get(0).getReason()));
    assertThat(failed.getStatus().getConditions().get(0).getMessage()).contains("already exists");
    assertThat(failed.getStatus().getConditions().get(0).getStatus()).isEqualTo("False");
    await().atMost(WAIT).until(() -> !events("ReconcileError").isEmpty());
    assertThat(get(Deployment.class, "clash").getMetadata().getLabels())
        .doesNotContainKey(ReservedLabels.MANAGED_BY);
  }

  @Test
  void aChildWhoseControllerIsTheAppIsAppliedAgainNotReportedAsForeign() {
    // An apply of ours that the API server carried out after the client had given up, not yet in
    // the cache: here a Deployment the informers do not see (no managed-by label) whose controller
    // reference is the app's. The app is first refused, so that it has a uid and no children yet.
    createToken("held");
    awaitChild(Secret.class, "held");
    create("retried", Map.of(), spec -> withSecretEnv(spec, "STOLEN", "held"));
    AiApp refused = awaitRefused("retried");
    // Its selector is the one the operator writes, which a Deployment cannot change.
    Deployment earlier =
        unmanagedDeployment("retried", Map.of(ReservedLabels.ID, refused.getMetadata().getUid()));
    earlier
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(refused.getApiVersion())
                    .withKind(refused.getKind())
                    .withName("retried")
                    .withUid(refused.getMetadata().getUid())
                    .withController(true)
                    .build()));
    client.resource(earlier).create();

    updateSpec(
        "retried",
        spec -> {
          spec.setEnv(null);
          return spec;
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                get(Deployment.class, "retried")
                    .getMetadata()
                    .getLabels()
                    .containsKey(ReservedLabels.MANAGED_BY));
    AiApp applied =
        awaitStatus(
            "retried",
            s -> !TokenSecretReferences.REASON.equals(s.getConditions().get(0).getReason()));
    assertThat(applied.getStatus().getConditions())
        .noneMatch(c -> "ReconcileError".equals(c.getReason()));
  }

  @Test
  void anAppThatReadsATokenSecretIsRefusedAndGetsNoDeployment() {
    // An AiToken's Secret (found through the AiToken), and a token-type Secret without a token.
    AiToken token = createToken("ops");
    Secret secret = awaitChild(Secret.class, "ops");
    String value = TokenSecrets.value(secret);
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("loose")
                .withNamespace(namespace)
                .endMetadata()
                .withType(TokenSecrets.TYPE)
                .addToStringData("token", "not-a-real-token")
                .build())
        .create();
    assertThat(token.getMetadata().getUid()).isNotNull();

    create("thief", Map.of(), spec -> withSecretEnv(spec, "STOLEN", "ops"));
    create("thief2", Map.of(), spec -> withSecretEnv(spec, "LOOSE", "loose"));

    for (String app : List.of("thief", "thief2")) {
      // The reconcile ran (the condition is about this generation) before absence is asserted.
      AiApp refused = awaitRefused(app);
      assertThat(refused.getStatus().getPhase()).isEqualTo(AppPhase.Failed);
      assertThat(get(Deployment.class, app)).as(app).isNull();
      assertThat(get(Service.class, app)).as(app).isNull();
    }
    String message = get(AiApp.class, "thief").getStatus().getConditions().get(0).getMessage();
    assertThat(message).contains("env STOLEN references Secret ops");
    // Not doesNotContain(value): a failure would print the value.
    assertThat(message.contains(value)).as("the message holds the token value").isFalse();
    assertThat(get(AiApp.class, "thief2").getStatus().getConditions().get(0).getMessage())
        .contains("env LOOSE references Secret loose");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(events(TokenSecretReferences.REASON))
                    .extracting(e -> e.getInvolvedObject().getName() + " " + e.getType())
                    .contains("thief Warning", "thief2 Warning"));
    assertThat(
            events(TokenSecretReferences.REASON).stream()
                .anyMatch(e -> e.getMessage().contains(value)))
        .as("an Event holds the token value")
        .isFalse();

    // Without the reference, the app reconciles as any other.
    updateSpec(
        "thief",
        spec -> {
          spec.setEnv(null);
          return spec;
        });
    Deployment deployment = awaitChild(Deployment.class, "thief");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .isNullOrEmpty();
    awaitStatus(
        "thief", s -> !TokenSecretReferences.REASON.equals(s.getConditions().get(0).getReason()));
  }

  @Test
  void anAppEditedToReadATokenSecretKeepsItsDeploymentAsItWas() {
    create("edited", Map.of(), spec -> spec);
    Deployment before = awaitChild(Deployment.class, "edited");
    createToken("edit-token");
    awaitChild(Secret.class, "edit-token");

    updateSpec("edited", spec -> withSecretEnv(spec, "STOLEN", "edit-token"));
    awaitRefused("edited");

    Deployment after = get(Deployment.class, "edited");
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
    assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
  }

  @Test
  void anAppThatReadASecretBeforeItsTokenExistedLosesItsDeployment() {
    // The late-token gap: the name is no token's yet, so the app is accepted and its Pods run
    // (the reference is optional); an admin then creates an AiToken of that name.
    create("early", Map.of(), spec -> withSecretEnv(spec, "LATE", "late-ops", true));
    Deployment before = awaitChild(Deployment.class, "early");
    assertThat(PodSecrets.of(before))
        .containsExactly(new PodSecrets.Use("container app env LATE", "late-ops"));
    await().atMost(WAIT).until(() -> !pods("early").isEmpty());

    createToken("late-ops");
    String value = TokenSecrets.value(awaitChild(Secret.class, "late-ops"));
    assertThat(value).as("the token was issued into the Secret").isNotEmpty();

    AiApp refused = awaitRefused("early");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(Deployment.class, "early")).isNull();
              assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems())
                  .isEmpty();
              assertThat(pods("early")).isEmpty();
            });
    refused =
        awaitStatus(
            "early",
            s ->
                s.getConditions()
                    .get(0)
                    .getMessage()
                    .contains(TokenSecretReferences.DEPLOYMENT_DELETED));
    String message = refused.getStatus().getConditions().get(0).getMessage();
    assertThat(message)
        .contains("env LATE references Secret late-ops")
        .contains("Deployment was deleted");
    assertThat(message.contains(value)).as("the message holds the token value").isFalse();
    assertThat(refused.getStatus().getPhase()).isEqualTo(AppPhase.Failed);
    assertThat(refused.getStatus().getReplicas()).isZero();
    await().atMost(WAIT).until(() -> !events(AiAppReconciler.DEPLOYMENT_DELETED).isEmpty());
    Event deleted = events(AiAppReconciler.DEPLOYMENT_DELETED).get(0);
    assertThat(deleted.getType()).isEqualTo("Warning");
    assertThat(deleted.getInvolvedObject().getName()).isEqualTo("early");
    assertThat(deleted.getMessage())
        .startsWith("Deleted Deployment early and its Pods")
        .contains("container app env LATE reads Secret late-ops");
    assertThat(deleted.getMessage().contains(value))
        .as("the Event holds the token value")
        .isFalse();

    // Without the reference, the Deployment comes back, without it.
    updateSpec(
        "early",
        spec -> {
          spec.setEnv(null);
          return spec;
        });
    Deployment again = awaitChild(Deployment.class, "early");
    assertThat(PodSecrets.of(again)).isEmpty();
    awaitStatus(
        "early", s -> !TokenSecretReferences.REASON.equals(s.getConditions().get(0).getReason()));
  }

  @Test
  void aRefusedAppWhoseDeploymentReadsALaterTokenLosesItToo() {
    // The Deployment reads "late-b" (no token yet); the app is then edited to read the token
    // "now-a" instead: refused, and the Deployment, which reads no token Secret, is kept.
    create("shifty", Map.of(), spec -> withSecretEnv(spec, "B", "late-b", true));
    Deployment before = awaitChild(Deployment.class, "shifty");
    createToken("now-a");
    awaitChild(Secret.class, "now-a");
    updateSpec("shifty", spec -> withSecretEnv(spec, "A", "now-a", true));
    awaitRefused("shifty");
    Deployment kept = get(Deployment.class, "shifty");
    assertThat(kept.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    assertThat(kept.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());

    // "late-b" becomes a token: the app's spec no longer names it, but its Deployment does.
    createToken("late-b");
    awaitChild(Secret.class, "late-b");
    await().atMost(WAIT).until(() -> get(Deployment.class, "shifty") == null);
    awaitStatus(
        "shifty",
        s ->
            s.getConditions()
                .get(0)
                .getMessage()
                .contains(TokenSecretReferences.DEPLOYMENT_DELETED));
  }

  // --- helpers ---

  /** A Deployment named {@code name} that aideploy does not manage, selecting {@code pods}. */
  private Deployment unmanagedDeployment(String name, Map<String, String> pods) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .addToMatchLabels(pods)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels(pods)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static AiAppSpec withSecretEnv(AiAppSpec spec, String variable, String secret) {
    return withSecretEnv(spec, variable, secret, null);
  }

  private static AiAppSpec withSecretEnv(
      AiAppSpec spec, String variable, String secret, Boolean optional) {
    spec.setEnv(
        List.of(
            new EnvVarBuilder()
                .withName(variable)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(secret)
                .withKey(TokenSecrets.KEY)
                .withOptional(optional)
                .endSecretKeyRef()
                .endValueFrom()
                .build()));
    return spec;
  }

  private AiToken createToken(String name) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(namespace);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=A");
    token.setSpec(spec);
    return client.resource(token).create();
  }

  /** The app once its current generation has been refused for reading a token Secret. */
  private AiApp awaitRefused(String name) {
    return await()
        .atMost(WAIT)
        .until(
            () -> get(AiApp.class, name),
            a ->
                a.getStatus() != null
                    && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration())
                    && !a.getStatus().getConditions().isEmpty()
                    && TokenSecretReferences.REASON.equals(
                        a.getStatus().getConditions().get(0).getReason())
                    && "False".equals(a.getStatus().getConditions().get(0).getStatus()));
  }

  private AiApp create(String name, Map<String, String> labels, UnaryOperator<AiAppSpec> spec) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(namespace);
    app.getMetadata().setLabels(new java.util.HashMap<>(labels));
    AiAppSpec base = new AiAppSpec();
    base.setImage("ovhcom/ai-deploy-hello-world");
    app.setSpec(spec.apply(base));
    return client.resource(app).create();
  }

  private void updateSpec(String name, UnaryOperator<AiAppSpec> change) {
    edit(
        AiApp.class,
        name,
        a -> {
          a.setSpec(change.apply(a.getSpec()));
          return a;
        });
  }

  /** Edits a resource, retrying when the edit races with the operator's own writes. */
  private <T extends HasMetadata> void edit(Class<T> type, String name, UnaryOperator<T> change) {
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                client.resources(type).inNamespace(namespace).withName(name).edit(change) != null);
  }

  private AiApp awaitStatus(
      String name, java.util.function.Predicate<io.aideploy.api.v1alpha1.AiAppStatus> test) {
    return await()
        .atMost(WAIT)
        .until(
            () -> get(AiApp.class, name),
            a -> a != null && a.getStatus() != null && test.test(a.getStatus()));
  }

  private <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  private <T extends HasMetadata> T awaitChild(Class<T> type, String name) {
    return await().atMost(WAIT).until(() -> get(type, name), java.util.Objects::nonNull);
  }

  private boolean hasEnforcedLabels(HasMetadata resource, String uid) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels != null
        && uid.equals(labels.get(ReservedLabels.ID))
        && "app".equals(labels.get(ReservedLabels.TYPE))
        && labels.keySet().stream().filter(ReservedLabels::isReserved).count() == 2;
  }

  private Map<String, String> annotations(String name) {
    Map<String, String> annotations = get(Ingress.class, name).getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private int replicas(String name) {
    Deployment d = get(Deployment.class, name);
    return d == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private List<Pod> pods(String app) {
    return client.pods().inNamespace(namespace).withLabel("aideploy.io/app", app).list().getItems();
  }

  private Pod awaitPod(String app) {
    return await().atMost(WAIT).until(() -> pods(app), p -> !p.isEmpty()).get(0);
  }

  /** Writes a Pod's status as a kubelet would: ready, or waiting with {@code waitingReason}. */
  private void markPod(Pod pod, boolean ready, String waitingReason) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              var container =
                  new ContainerStatusBuilder()
                      .withName("app")
                      .withImage(p.getSpec().getContainers().get(0).getImage())
                      .withImageID("")
                      .withReady(ready)
                      .withRestartCount(0)
                      .withStarted(ready);
              if (ready) {
                container
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt("2026-01-01T00:00:00Z")
                    .endRunning()
                    .endState();
              } else {
                container
                    .withNewState()
                    .withNewWaiting()
                    .withReason(waitingReason)
                    .withMessage("Back-off pulling image")
                    .endWaiting()
                    .endState();
              }
              p.getStatus().setPhase(ready ? "Running" : "Pending");
              p.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder()
                              .withType("Ready")
                              .withStatus(ready ? "True" : "False")
                              .withLastTransitionTime("2026-01-01T00:00:00Z")
                              .build()));
              p.getStatus().setContainerStatuses(List.of(container.build()));
              return p;
            });
  }

  private List<String> stableVersions(String name) {
    List<List<String>> last = new java.util.ArrayList<>(List.of(List.of()));
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              List<String> now = versions(name);
              boolean stable = now.equals(last.get(0));
              last.set(0, now);
              return stable ? now : null;
            },
            Objects::nonNull);
  }

  private List<String> versions(String name) {
    return List.of(
        get(AiApp.class, name).getMetadata().getResourceVersion(),
        get(Deployment.class, name).getMetadata().getResourceVersion(),
        get(Service.class, name).getMetadata().getResourceVersion(),
        get(Ingress.class, name).getMetadata().getResourceVersion());
  }
}
