package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LogCapture;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The AiToken reconciler, running in-process against the real local control plane. */
@ExtendWith(LocalControlPlane.class)
class AiTokenReconcilerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<String> valuesSeen = ConcurrentHashMap.newKeySet();
  private static final List<String> namespaces = new ArrayList<>();
  private static LogCapture logs;
  private static TestOperator operator;
  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void startOperator(KubernetesClient kubernetes) {
    logs = LogCapture.start();
    client = kubernetes;
    operator = TestOperator.start(client);
  }

  @AfterAll
  static void noValueLeaked() {
    operator.close();
    logs.close();
    assertThat(valuesSeen).isNotEmpty();
    String logText = logs.text();
    StringBuilder published = new StringBuilder(logText);
    for (String ns : namespaces) {
      published.append(Serialization.asJson(client.v1().events().inNamespace(ns).list()));
      published.append(
          Serialization.asJson(client.resources(AiToken.class).inNamespace(ns).list()));
    }
    for (String value : valuesSeen) {
      assertThat(published.toString()).as("a token value leaked").doesNotContain(value);
      assertThat(published.toString()).doesNotContain(value.substring(4));
    }
    assertThat(logText).contains("issued the first value");
  }

  @BeforeEach
  void namespace() {
    namespace = TestNamespaces.create(client, "aitoken");
    namespaces.add(namespace);
  }

  @Test
  void createIssuesAValueIntoASecret() {
    AiToken token = create("reader", Role.Reader, "group=A", null);
    AiTokenStatus status = awaitStatus("reader", s -> s.getTokenHash() != null).getStatus();
    String value = secretValue("reader");

    assertThat(TokenValue.isWellFormed(value)).isTrue();
    assertThat(status.getTokenHash()).isEqualTo(TokenValue.hash(value)).startsWith("sha256:");
    assertThat(status.getTokenPrefix()).isEqualTo(value.substring(4, 12));
    assertThat(status.getPhase()).isEqualTo(TokenPhase.Ready);
    assertThat(status.getSecretName()).isEqualTo("reader");
    assertThat(status.getIssuedAt()).isNotNull();
    assertThat(status.getConditions().get(0).getStatus()).isEqualTo("True");
    Secret secret = client.secrets().inNamespace(namespace).withName("reader").get();
    assertThat(secret.getType()).isEqualTo("aideploy.io/token");
    assertThat(secret.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(token.getMetadata().getUid());
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "aideploy");
  }

  @Test
  void regenerateAnnotationIssuesANewValue() {
    create("rotate", Role.Operator, null, null);
    String first = awaitStatus("rotate", s -> s.getTokenHash() != null).getStatus().getTokenHash();
    String firstValue = secretValue("rotate");

    editToken(
        "rotate",
        t -> {
          t.getMetadata().setAnnotations(Map.of(AiToken.REGENERATE_ANNOTATION, "now"));
          return t;
        });
    AiTokenStatus rotated =
        awaitStatus("rotate", s -> s.getTokenHash() != null && !s.getTokenHash().equals(first))
            .getStatus();
    assertThat(rotated.getRegenerateRequest()).isEqualTo("now");
    String newValue = secretValue("rotate");
    assertThat(newValue).isNotEqualTo(firstValue);
    assertThat(rotated.getTokenHash()).isEqualTo(TokenValue.hash(newValue));
    await().atMost(WAIT).until(() -> hasEvent("Regenerated"));

    // The same annotation value again is not a new request.
    editToken(
        "rotate",
        t -> {
          t.getMetadata().getLabels().put("touched", "yes");
          return t;
        });
    // Evidence, not a pause: a reconcile has finished on the token as edited.
    operator.reconciles().awaitReconciled(token("rotate"));
    assertThat(token("rotate").getStatus().getTokenHash()).isEqualTo(rotated.getTokenHash());
  }

  @Test
  void aRegenerationWithAGracePeriodKeepsThePreviousValueStated() {
    create("graceful", Role.Reader, "group=A", null);
    String first =
        awaitStatus("graceful", s -> s.getTokenHash() != null).getStatus().getTokenHash();

    editToken(
        "graceful",
        t -> {
          t.getMetadata()
              .setAnnotations(
                  Map.of(
                      AiToken.REGENERATE_ANNOTATION, "r1",
                      AiToken.REGENERATE_GRACE_ANNOTATION, "10m"));
          return t;
        });
    Instant asked = Instant.now();
    AiTokenStatus rotated =
        awaitStatus("graceful", s -> s.getTokenHash() != null && !s.getTokenHash().equals(first))
            .getStatus();
    assertThat(rotated.getPreviousTokenHash()).isEqualTo(first);
    Instant until = Instant.parse(rotated.getPreviousValueValidUntil());
    assertThat(until)
        .isAfter(asked.plus(Duration.ofMinutes(9)))
        .isBefore(Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
    Secret secret = client.secrets().inNamespace(namespace).withName("graceful").get();
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry(TokenSecrets.PREVIOUS_HASH_ANNOTATION, first)
        .containsEntry(TokenSecrets.PREVIOUS_UNTIL_ANNOTATION, until.toString());

    // A grace that is no duration: no new value (the clients would all be cut off), and why.
    String second = rotated.getTokenHash();
    editToken(
        "graceful",
        t -> {
          t.getMetadata().getAnnotations().put(AiToken.REGENERATE_ANNOTATION, "r2");
          t.getMetadata().getAnnotations().put(AiToken.REGENERATE_GRACE_ANNOTATION, "ten minutes");
          return t;
        });
    await().atMost(WAIT).until(() -> hasEvent("RegenerateRefused"));
    operator.reconciles().awaitReconciled(token("graceful"));
    assertThat(token("graceful").getStatus().getTokenHash()).isEqualTo(second);

    // A regeneration without grace ends the previous value too: only the newest stays.
    editToken(
        "graceful",
        t -> {
          t.getMetadata().getAnnotations().remove(AiToken.REGENERATE_GRACE_ANNOTATION);
          return t;
        });
    AiTokenStatus third =
        awaitStatus("graceful", s -> !second.equals(s.getTokenHash())).getStatus();
    assertThat(third.getPreviousTokenHash()).isNull();
    assertThat(third.getPreviousValueValidUntil()).isNull();
  }

  @Test
  void theGatewaysSignOutSurvivesTheOperatorsStatusWrites() {
    create("signed-out", Role.Reader, null, null);
    awaitStatus("signed-out", s -> s.getTokenHash() != null);
    String when = "2026-06-01T12:00:00.123Z";
    // What the gateway's SignOut writes: a merge patch naming only this field.
    AiToken reference = new AiToken();
    reference.getMetadata().setNamespace(namespace);
    reference.getMetadata().setName("signed-out");
    client
        .resource(reference)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"sessionsNotBefore\":\"" + when + "\"}}");
    editToken(
        "signed-out",
        t -> {
          t.getSpec().setDescription("changed");
          return t;
        });
    long generation = token("signed-out").getMetadata().getGeneration();
    // The operator has written its status for the new generation...
    AiTokenStatus status =
        awaitStatus(
                "signed-out",
                s -> s.getObservedGeneration() != null && s.getObservedGeneration() == generation)
            .getStatus();
    // ...and left the gateway's field alone.
    assertThat(status.getSessionsNotBefore()).isEqualTo(when);
  }

  @Test
  void aDeletedOrTamperedSecretGetsANewValue() {
    create("fragile", Role.Reader, null, null);
    String first = awaitStatus("fragile", s -> s.getTokenHash() != null).getStatus().getTokenHash();

    client.secrets().inNamespace(namespace).withName("fragile").delete();
    String second =
        awaitStatus("fragile", s -> !first.equals(s.getTokenHash())).getStatus().getTokenHash();
    assertThat(TokenValue.hash(awaitSecretValue("fragile", second))).isEqualTo(second);

    String chosen = TokenValue.generate();
    client
        .secrets()
        .inNamespace(namespace)
        .withName("fragile")
        .edit(
            s -> {
              s.getData()
                  .put(
                      "token",
                      Base64.getEncoder().encodeToString(chosen.getBytes(StandardCharsets.UTF_8)));
              return s;
            });
    String third =
        awaitStatus("fragile", s -> !second.equals(s.getTokenHash())).getStatus().getTokenHash();
    assertThat(third).isNotEqualTo(TokenValue.hash(chosen));
    assertThat(TokenValue.hash(awaitSecretValue("fragile", third))).isEqualTo(third);
  }

  @Test
  void aStatusWriteThatFailsAfterTheSecretWriteIssuesNoSecondValue() {
    create("frozen", Role.Reader, "group=A", null);
    String first = awaitStatus("frozen", s -> s.getTokenHash() != null).getStatus().getTokenHash();
    String firstValue = secretValue("frozen");
    // The API server refuses every status write to this token from now on: the operator's next
    // Secret write succeeds, the status write after it fails.
    String policy = "aitoken-status-frozen-" + namespace;
    client
        .load(
            new java.io.ByteArrayInputStream(
                freezeStatusPolicy(policy).getBytes(StandardCharsets.UTF_8)))
        .serverSideApply();
    try {
      await().atMost(WAIT).until(() -> !statusWriteAllowed("frozen"));
      editToken(
          "frozen",
          t -> {
            t.getMetadata().setAnnotations(Map.of(AiToken.REGENERATE_ANNOTATION, "once"));
            return t;
          });
      String second =
          await().atMost(WAIT).until(() -> secretValue("frozen"), v -> !v.equals(firstValue));
      AiToken frozen = token("frozen");
      int failed = operator.reconciles().failuresOf(frozen);
      // Evidence that the operator came back to the token after the failed status write, twice.
      await().atMost(WAIT).until(() -> operator.reconciles().failuresOf(frozen) >= failed + 2);
      // Hashes, so that a failure does not print a value.
      assertThat(TokenValue.hash(secretValue("frozen")))
          .as("no second value while the status lags")
          .isEqualTo(TokenValue.hash(second));
      assertThat(token("frozen").getStatus().getTokenHash()).isEqualTo(first);
    } finally {
      client
          .admissionRegistration()
          .v1()
          .validatingAdmissionPolicyBindings()
          .withName(policy)
          .delete();
      client.admissionRegistration().v1().validatingAdmissionPolicies().withName(policy).delete();
    }
    // A change brings the next reconcile at once, instead of the retry's backoff.
    await().atMost(WAIT).until(() -> statusWriteAllowed("frozen"));
    editToken(
        "frozen",
        t -> {
          t.getMetadata().getLabels().put("thawed", "yes");
          return t;
        });
    String value = secretValue("frozen");
    AiTokenStatus status =
        awaitStatus("frozen", s -> TokenValue.hash(value).equals(s.getTokenHash())).getStatus();
    assertThat(status.getRegenerateRequest()).isEqualTo("once");
    assertThat(status.getPhase()).isEqualTo(TokenPhase.Ready);
    assertThat(TokenValue.hash(secretValue("frozen"))).isEqualTo(TokenValue.hash(value));
    // One regeneration (a tampering reported about the operator's own write would be another).
    assertThat(eventCount("frozen", "Regenerated")).isEqualTo(1);
  }

  @Test
  void appStatusChangesDoNotReconcileTokens() {
    create("watcher", Role.Reader, "group=A", null);
    createApp("busy", Map.of("group", "A"));
    createApp("other", Map.of("group", "B"));
    awaitStatus("watcher", s -> s.getMatchedApps() != null && s.getMatchedApps() == 1);
    AiToken watcher = token("watcher");
    // App events reach the token in the order of the one AiApp watch: once a label change has
    // reached it, everything before it has too.
    int before = labelOtherAppAndAwaitTheTokensEvent(watcher, "1");

    for (int i = 1; i <= 5; i++) {
      AiApp reference = new AiApp();
      reference.getMetadata().setNamespace(namespace);
      reference.getMetadata().setName("busy");
      client
          .resource(reference)
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"availableReplicas\":" + i + "}}");
    }
    int after = labelOtherAppAndAwaitTheTokensEvent(watcher, "2");

    assertThat(after).as("only the second label change reached the token").isEqualTo(before + 1);
  }

  /** Labels app "other" and waits until the token received the event; returns the event count. */
  private int labelOtherAppAndAwaitTheTokensEvent(AiToken token, String mark) {
    int before = operator.reconciles().secondaryEventsFor(AiTokenReconciler.NAME, token);
    editApp(
        "other",
        a -> {
          a.getMetadata().getLabels().put("mark", mark);
          return a;
        });
    return await()
        .atMost(WAIT)
        .until(
            () -> operator.reconciles().secondaryEventsFor(AiTokenReconciler.NAME, token),
            count -> count > before);
  }

  private String freezeStatusPolicy(String name) {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: %1$s
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
              - apiGroups: ["%2$s"]
                apiVersions: ["*"]
                operations: ["UPDATE"]
                resources: ["aitokens/status"]
          validations:
            - expression: "object.metadata.name != 'frozen'"
              message: status writes to this token are refused by the test
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: %1$s
        spec:
          policyName: %1$s
          validationActions: ["Deny"]
          matchResources:
            namespaceSelector:
              matchLabels:
                kubernetes.io/metadata.name: %3$s
        """
        .formatted(name, AiApp.GROUP, namespace);
  }

  /** Whether a status write to token {@code name} is let through (a description, nothing else). */
  private boolean statusWriteAllowed(String name) {
    AiToken reference = new AiToken();
    reference.getMetadata().setNamespace(namespace);
    reference.getMetadata().setName(name);
    try {
      client
          .resource(reference)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"lastUsedAt\":null}}");
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 422) {
        return false;
      }
      throw e;
    }
  }

  private int eventCount(String involved, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  @Test
  void restartingTheOperatorKeepsTheValue() {
    create("durable", Role.Reader, null, null);
    String hash = awaitStatus("durable", s -> s.getTokenHash() != null).getStatus().getTokenHash();
    String value = secretValue("durable");

    operator.close();
    operator = TestOperator.start(client);
    // The new operator has reconciled this token (it does every token once on start).
    operator.reconciles().awaitReconciled(token("durable"));
    assertThat(token("durable").getStatus().getTokenHash()).isEqualTo(hash);
    assertThat(secretValue("durable")).isEqualTo(value);
  }

  @Test
  void deletingTheTokenDeletesItsSecret() {
    create("gone", Role.Reader, null, null);
    awaitStatus("gone", s -> s.getTokenHash() != null);
    secretValue("gone");
    // Orphan propagation: the garbage collector keeps the Secret, so only the operator deletes it.
    client
        .resources(AiToken.class)
        .inNamespace(namespace)
        .withName("gone")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(token("gone")).isNull();
              assertThat(client.secrets().inNamespace(namespace).withName("gone").get()).isNull();
            });
  }

  @Test
  void expiresOnTime() {
    Instant expiresAt = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
    create("brief", Role.Reader, null, expiresAt.toString());
    AiTokenStatus ready = awaitStatus("brief", s -> s.getPhase() == TokenPhase.Ready).getStatus();
    assertThat(ready.getExpiresAt()).isEqualTo(expiresAt.toString());

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> token("brief").getStatus().getPhase() == TokenPhase.Expired);
    Instant seen = Instant.now();
    // The issue asks for Expired within a second of expiresAt...
    assertThat(Duration.between(expiresAt, seen)).isLessThan(Duration.ofSeconds(1));
    var condition = token("brief").getStatus().getConditions().get(0);
    assertThat(condition.getReason()).isEqualTo("Expired");
    // ...and never before it: the operator's own time of the change (whole seconds, so an early
    // change shows a second before expiresAt, which is whole seconds too).
    assertThat(Instant.parse(condition.getLastTransitionTime())).isAfterOrEqualTo(expiresAt);
  }

  @Test
  void matchedAppsFollowsTheApps() {
    create("team-a", Role.Reader, "group=A", null);
    awaitStatus("team-a", s -> Integer.valueOf(0).equals(s.getMatchedApps()));

    createApp("one", Map.of("group", "A"));
    awaitStatus("team-a", s -> Integer.valueOf(1).equals(s.getMatchedApps()));
    createApp("two", Map.of("group", "B"));
    createApp("three", Map.of("group", "A", "ovh/type", "job"));
    awaitStatus("team-a", s -> Integer.valueOf(2).equals(s.getMatchedApps()));

    editApp(
        "two",
        a -> {
          a.getMetadata().getLabels().put("group", "A");
          return a;
        });
    awaitStatus("team-a", s -> Integer.valueOf(3).equals(s.getMatchedApps()));
    client.resources(AiApp.class).inNamespace(namespace).withName("one").delete();
    awaitStatus("team-a", s -> Integer.valueOf(2).equals(s.getMatchedApps()));

    // ovh/type is forced to app, so a selector on the spoofed value matches nothing.
    create("jobs", Role.Reader, "ovh/type=job", null);
    awaitStatus(
        "jobs", s -> Integer.valueOf(0).equals(s.getMatchedApps()) && s.getTokenHash() != null);
  }

  @Test
  void anUnparsableSelectorMakesTheTokenInvalidAndGetsNoValue() {
    // Past the CRD's rule, which cannot count: a label value longer than 63 characters.
    String tooLong = "group=" + "a".repeat(64);
    create("broken", Role.Reader, tooLong, null);
    AiTokenStatus status =
        awaitStatus("broken", s -> s.getPhase() == TokenPhase.Invalid).getStatus();
    assertThat(status.getConditions().get(0).getMessage())
        .startsWith("spec.labelSelector: ")
        .contains("63")
        .endsWith(AiTokenSpec.SELECTOR_SYNTAX_HINT);
    assertThat(status.getConditions().get(0).getStatus()).isEqualTo("False");
    assertThat(status.getTokenHash()).isNull();
    // The reconcile that judged it is over, and wrote no value.
    assertThat(client.secrets().inNamespace(namespace).withName("broken").get()).isNull();
    await().atMost(WAIT).until(() -> hasEvent("Invalid"));

    editToken(
        "broken",
        t -> {
          t.getSpec().setLabelSelector("group in (a)");
          return t;
        });
    awaitStatus("broken", s -> s.getPhase() == TokenPhase.Ready && s.getTokenHash() != null);
    assertThat(secretValue("broken")).isNotNull();
  }

  @Test
  void noValueIsWrittenWhileADeploymentNamesTheSecret() throws Exception {
    // The late-token scenario: an app reads "ops" (optional) before any token has that name, and
    // gets its Deployment. The test's own finalizer keeps that Deployment (terminating) after the
    // app side deletes it, so the token's wait can be watched.
    createApp("early", Map.of(), "LATE", "ops");
    Deployment deployment =
        await().atMost(WAIT).until(() -> deployment("early"), java.util.Objects::nonNull);
    editDeployment(
        "early",
        d -> {
          d.getMetadata().getFinalizers().add(HOLD_FINALIZER);
          return d;
        });

    List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = watchForValueWhileDeploymentExists("ops", "early", overlaps, watching);
    try {
      create("ops", Role.Operator, null, null);
      // Every wait below fails at once if the watcher saw a value while the Deployment existed.
      AiTokenStatus held =
          watched(overlaps)
              .until(
                  () -> token("ops"),
                  t ->
                      t.getStatus() != null
                          && t.getStatus().getConditions().size() == 1
                          && IssueHold.REASON.equals(
                              t.getStatus().getConditions().get(0).getReason()))
              .getStatus();
      assertThat(held.getPhase()).isEqualTo(TokenPhase.Invalid);
      assertThat(held.getTokenHash()).isNull();
      assertThat(held.getConditions().get(0).getStatus()).isEqualTo("False");
      assertThat(held.getConditions().get(0).getMessage())
          .contains("Deployment early (container app env LATE)");
      watched(overlaps).until(() -> hasEvent(IssueHold.REASON));

      // The app side deletes the Deployment now that the token exists; it stays, terminating.
      watched(overlaps)
          .until(() -> deployment("early").getMetadata().getDeletionTimestamp() != null);
      // Three more reconciles of the token have finished: at least the last two started after
      // the Deployment was seen terminating, a retry period (2 s) apart, so the operator's cache
      // held it terminating. The value is still held, and no Secret holds it.
      int reconciled = operator.reconciles().reconcilesOf(token("ops"));
      watched(overlaps)
          .until(() -> operator.reconciles().reconcilesOf(token("ops")) >= reconciled + 3);
      assertThat(deployment("early").getMetadata().getUid())
          .isEqualTo(deployment.getMetadata().getUid());
      assertThat(TokenSecrets.value(client.secrets().inNamespace(namespace).withName("ops").get()))
          .isNull();
      AiTokenStatus still = token("ops").getStatus();
      assertThat(still.getTokenHash()).isNull();
      assertThat(still.getConditions().get(0).getReason()).isEqualTo(IssueHold.REASON);

      // Let the Deployment go: the value is issued.
      editDeployment(
          "early",
          d -> {
            d.getMetadata().getFinalizers().remove(HOLD_FINALIZER);
            return d;
          });
      AiTokenStatus ready =
          awaitStatus("ops", s -> s.getPhase() == TokenPhase.Ready && s.getTokenHash() != null)
              .getStatus();
      assertThat(TokenValue.hash(awaitSecretValue("ops", ready.getTokenHash())))
          .isEqualTo(ready.getTokenHash());
      assertThat(deployment("early")).isNull();
    } finally {
      watching.set(false);
      watcher.join();
    }
    assertThat(overlaps).as("a value in Secret ops while Deployment early existed").isEmpty();
  }

  @Test
  void aRegenerationWaitsForAHandWrittenDeploymentThatNamesTheSecret() {
    create("ops2", Role.Operator, null, null);
    String first = awaitStatus("ops2", s -> s.getTokenHash() != null).getStatus().getTokenHash();
    String firstValue = secretValue("ops2");
    // Written by hand with the managed-by label (no app would get one past the app side).
    client
        .resource(
            new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata()
                .withName("by-hand")
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "aideploy")
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels("x", "by-hand")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("x", "by-hand")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("nginx")
                .endContainer()
                .addNewVolume()
                .withName("v")
                .withNewSecret()
                .withSecretName("ops2")
                .endSecret()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    editToken(
        "ops2",
        t -> {
          t.getMetadata().setAnnotations(Map.of(AiToken.REGENERATE_ANNOTATION, "again"));
          return t;
        });
    AiTokenStatus held =
        awaitStatus(
                "ops2",
                s ->
                    !s.getConditions().isEmpty()
                        && IssueHold.REASON.equals(s.getConditions().get(0).getReason()))
            .getStatus();
    // Not Ready, so the gateway refuses the old value too; the old value is not replaced.
    assertThat(held.getPhase()).isEqualTo(TokenPhase.Invalid);
    assertThat(held.getConditions().get(0).getMessage()).contains("Deployment by-hand (volume v)");
    assertThat(held.getTokenHash()).isEqualTo(first);
    assertThat(held.getRegenerateRequest()).isNull();
    assertThat(secretValue("ops2")).isEqualTo(firstValue);

    client.apps().deployments().inNamespace(namespace).withName("by-hand").delete();
    AiTokenStatus regenerated =
        awaitStatus(
                "ops2", s -> s.getPhase() == TokenPhase.Ready && !first.equals(s.getTokenHash()))
            .getStatus();
    assertThat(regenerated.getRegenerateRequest()).isEqualTo("again");
    assertThat(TokenValue.hash(awaitSecretValue("ops2", regenerated.getTokenHash())))
        .isEqualTo(regenerated.getTokenHash());
    await().atMost(WAIT).until(() -> hasEvent("Regenerated"));
  }

  // --- helpers ---

  private static final String HOLD_FINALIZER = "test/hold";

  /** A wait that fails as soon as {@code overlaps} is not empty. */
  private static org.awaitility.core.ConditionFactory watched(List<String> overlaps) {
    return await()
        .atMost(WAIT)
        .failFast("a value in the Secret while the Deployment existed", () -> !overlaps.isEmpty());
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /**
   * Polls until {@code watching} is cleared, recording each time Secret {@code secret} held a value
   * while Deployment {@code deployment} existed. The Secret is read first: a value seen then, and
   * the Deployment seen after, existed together at the second read.
   */
  private Thread watchForValueWhileDeploymentExists(
      String secret, String deployment, List<String> overlaps, AtomicBoolean watching) {
    String ns = namespace;
    Thread thread =
        new Thread(
            () -> {
              while (watching.get()) {
                try {
                  Secret s = client.secrets().inNamespace(ns).withName(secret).get();
                  String value = TokenSecrets.value(s);
                  if (value != null) {
                    valuesSeen.add(value);
                    var d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
                    if (d != null) {
                      overlaps.add(
                          "Secret rv "
                              + s.getMetadata().getResourceVersion()
                              + ", Deployment rv "
                              + d.getMetadata().getResourceVersion());
                    }
                  }
                  Thread.sleep(25);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // A failed read is no observation; try again.
                }
              }
            },
            "value-watcher");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void createApp(String name, Map<String, String> labels, String env, String secret) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(namespace);
    app.getMetadata().setLabels(new HashMap<>(labels));
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("nginx");
    spec.setEnv(
        List.of(
            new io.fabric8.kubernetes.api.model.EnvVarBuilder()
                .withName(env)
                .withNewValueFrom()
                .withNewSecretKeyRef(TokenSecrets.KEY, secret, true)
                .endValueFrom()
                .build()));
    app.setSpec(spec);
    client.resource(app).create();
  }

  private AiToken create(String name, Role role, String selector, String expiresAt) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(namespace);
    token.getMetadata().setLabels(new HashMap<>());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(role);
    spec.setLabelSelector(selector);
    spec.setExpiresAt(expiresAt);
    token.setSpec(spec);
    return client.resource(token).create();
  }

  private void createApp(String name, Map<String, String> labels) {
    AiApp app = new AiApp();
    app.getMetadata().setName(name);
    app.getMetadata().setNamespace(namespace);
    app.getMetadata().setLabels(new HashMap<>(labels));
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("nginx");
    app.setSpec(spec);
    client.resource(app).create();
  }

  private AiToken token(String name) {
    return client.resources(AiToken.class).inNamespace(namespace).withName(name).get();
  }

  private void editToken(String name, UnaryOperator<AiToken> change) {
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () ->
                client.resources(AiToken.class).inNamespace(namespace).withName(name).edit(change)
                    != null);
  }

  /** The deployment controller writes Deployments too: an edit is retried on a conflict. */
  private void editDeployment(String name, UnaryOperator<Deployment> change) {
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () ->
                client.apps().deployments().inNamespace(namespace).withName(name).edit(change)
                    != null);
  }

  private void editApp(String name, UnaryOperator<AiApp> change) {
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () ->
                client.resources(AiApp.class).inNamespace(namespace).withName(name).edit(change)
                    != null);
  }

  private AiToken awaitStatus(String name, Predicate<AiTokenStatus> test) {
    return await()
        .atMost(WAIT)
        .until(
            () -> token(name), t -> t != null && t.getStatus() != null && test.test(t.getStatus()));
  }

  private String secretValue(String name) {
    Secret secret =
        await()
            .atMost(WAIT)
            .until(
                () -> client.secrets().inNamespace(namespace).withName(name).get(), s -> s != null);
    String value = TokenSecrets.value(secret);
    valuesSeen.add(value);
    return value;
  }

  private String awaitSecretValue(String name, String hash) {
    return await()
        .atMost(WAIT)
        .until(() -> secretValue(name), v -> TokenValue.hash(v).equals(hash));
  }

  private boolean hasEvent(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .anyMatch(e -> reason.equals(e.getReason()));
  }
}
