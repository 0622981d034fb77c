package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.AppResources;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.api.v1alpha1.Cors;
import io.aideploy.api.v1alpha1.Probe;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CachedFieldsTest {
  private static final String MEGABYTE = "x".repeat(1024 * 1024);

  @Test
  void aMegabyteEnvValueAndOtherUnreadFieldsDoNotSurvive() {
    AiApp trimmed = CachedFields.app(fullApp());

    String json = Serialization.asJson(trimmed);
    assertThat(json).hasSizeLessThan(2048).doesNotContain("xxxxxxxx");
    assertThat(trimmed.getSpec().getEnv()).isNull();
    assertThat(trimmed.getSpec().getCommand()).isNull();
    assertThat(trimmed.getSpec().getArgs()).isNull();
    assertThat(trimmed.getSpec().getProbe()).isNull();
    assertThat(trimmed.getSpec().getResources()).isNull();
    assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(trimmed.getStatus().getConditions()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everythingAppEntryAndAppViewReadSurvives(boolean deleting) {
    AiApp app = fullApp();
    if (deleting) {
      app.getMetadata().setDeletionTimestamp("2026-02-01T00:00:00Z");
    }
    AiApp trimmed = CachedFields.app(app);

    AppEntry original = AppEntry.from(app);
    AppEntry cached = AppEntry.from(trimmed);
    assertThat(cached).isEqualTo(original);
    assertThat(AppView.of(cached, TestOperator.settings()))
        .isEqualTo(AppView.of(original, TestOperator.settings()));
    assertThat(trimmed.getMetadata())
        .usingRecursiveComparison()
        .comparingOnlyFields(
            "name",
            "namespace",
            "uid",
            "labels",
            "creationTimestamp",
            "deletionTimestamp",
            "generation",
            "resourceVersion")
        .isEqualTo(app.getMetadata());
  }

  @Test
  void appWithoutSpecOrStatusAndDefaultsLeftUnset() {
    AiApp app = fullApp();
    app.setStatus(null);
    app.getSpec().setState(null);
    app.getSpec().setAccess(null);
    AiApp trimmed = CachedFields.app(app);
    assertThat(AppView.of(AppEntry.from(trimmed), TestOperator.settings()))
        .isEqualTo(AppView.of(AppEntry.from(app), TestOperator.settings()));

    app.setSpec(null);
    trimmed = CachedFields.app(app);
    assertThat(trimmed.getSpec()).isNull();
    assertThat(AppView.of(AppEntry.from(trimmed), TestOperator.settings()))
        .isEqualTo(AppView.of(AppEntry.from(app), TestOperator.settings()));
  }

  @Test
  void trimmingLeavesTheOriginalAloneAndTwiceIsOnce() {
    AiApp app = fullApp();
    String before = Serialization.asJson(app);
    AiApp once = CachedFields.app(app);
    assertThat(Serialization.asJson(app)).isEqualTo(before);
    assertThat(Serialization.asJson(CachedFields.app(once))).isEqualTo(Serialization.asJson(once));

    AiToken token = fullToken();
    String tokenBefore = Serialization.asJson(token);
    AiToken tokenOnce = CachedFields.token(token);
    assertThat(Serialization.asJson(token)).isEqualTo(tokenBefore);
    assertThat(Serialization.asJson(CachedFields.token(tokenOnce)))
        .isEqualTo(Serialization.asJson(tokenOnce));
  }

  @Test
  void tokenLosesDescriptionAnnotationsAndManagedFields() {
    AiToken trimmed = CachedFields.token(fullToken());
    assertThat(Serialization.asJson(trimmed)).hasSizeLessThan(2048).doesNotContain("xxxxxxxx");
    assertThat(trimmed.getSpec().getDescription()).isNull();
    assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
  }

  /** The gateway reads expiresAt as the operator does: a lower-case t is no reason to refuse. */
  @Test
  void anExpiryWithALowerCaseTIsReadNotRefused() {
    AiToken token = fullToken();
    token.getSpec().setExpiresAt("2999-03-01t12:00:00z");
    token.getStatus().setExpiresAt("2999-03-01t12:00:00z");
    TokenEntry entry = TokenEntry.from(token);
    assertThat(entry.usable()).isTrue();
    assertThat(entry.isExpiredAt(java.time.Instant.parse("2999-03-01T12:00:00Z"))).isTrue();
    assertThat(entry.isExpiredAt(java.time.Instant.parse("2999-03-01T11:59:59Z"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everythingTokenEntryReadsSurvives(boolean deleting) {
    AiToken token = fullToken();
    if (deleting) {
      token.getMetadata().setDeletionTimestamp("2026-02-01T00:00:00Z");
    }
    TokenEntry original = TokenEntry.from(token);
    assertThat(original).isNotNull();
    assertThat(original.usable()).isEqualTo(!deleting);
    assertThat(TokenEntry.from(CachedFields.token(token))).isEqualTo(original);
  }

  @Test
  void tokenStatusIsKeptWhole() {
    AiToken token = fullToken();
    assertThat(CachedFields.token(token).getStatus()).isEqualTo(token.getStatus());
  }

  /**
   * A new field in a spec or status must be placed on one side: a field the gateway starts reading
   * but that {@link CachedFields} drops would otherwise be null in production only.
   */
  @Test
  void everySpecAndStatusFieldIsEitherKeptOrDeliberatelyDropped() {
    assertThat(properties(AiAppSpec.class))
        .isEqualTo(
            Set.of(
                // kept
                "image",
                "state",
                "access",
                "cors",
                // dropped
                "port",
                "command",
                "args",
                "env",
                "resources",
                "replicas",
                "autoscaling",
                "probe",
                "streaming"));
    assertThat(properties(AiAppStatus.class))
        .isEqualTo(
            Set.of(
                // kept
                "phase",
                "replicas",
                "availableReplicas",
                // dropped
                "appId",
                "url",
                "conditions",
                "observedGeneration"));
    assertThat(properties(AiTokenSpec.class))
        .isEqualTo(
            Set.of(
                // kept
                "role",
                "labelSelector",
                "expiresAt",
                // dropped
                "description"));
  }

  private static Set<String> properties(Class<?> type) {
    try {
      return Arrays.stream(Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors())
          .map(PropertyDescriptor::getName)
          .collect(Collectors.toSet());
    } catch (IntrospectionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static AiApp fullApp() {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("big")
            .withUid("uid-1")
            .withLabels(Map.of("group", "A", "ovh/id", "forged"))
            .withAnnotations(Map.of("note", MEGABYTE))
            .withManagedFields(new ManagedFieldsEntry())
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .withGeneration(3L)
            .withResourceVersion("42")
            .withFinalizers("aideploy.io/finalizer")
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("registry.example/app:1");
    spec.setPort(9000);
    spec.setCommand(List.of("python", MEGABYTE));
    spec.setArgs(List.of(MEGABYTE));
    spec.setEnv(List.of(new EnvVar("BIG", MEGABYTE, null)));
    AppResources resources = new AppResources();
    resources.setCpu("2");
    spec.setResources(resources);
    spec.setReplicas(2);
    spec.setState(AppState.Stopped);
    spec.setAccess(Access.Public);
    Probe probe = new Probe();
    probe.setPath("/" + MEGABYTE);
    spec.setProbe(probe);
    Cors cors = new Cors();
    cors.setAllowedOrigins(List.of("https://ui.example.com"));
    spec.setCors(cors);
    app.setSpec(spec);
    AiAppStatus status = new AiAppStatus();
    status.setAppId("uid-1");
    status.setUrl("https://uid-1.apps.test.local/");
    status.setPhase(AppPhase.Scaling);
    status.setReplicas(2);
    status.setAvailableReplicas(1);
    status.setObservedGeneration(3L);
    status.setConditions(List.of(new Condition(Condition.READY, false, "Scaling", MEGABYTE, 3L)));
    app.setStatus(status);
    return app;
  }

  private static AiToken fullToken() {
    AiToken token = new AiToken();
    token.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("ops")
            .withUid("uid-2")
            .withAnnotations(Map.of(AiToken.REGENERATE_ANNOTATION, "1", "note", MEGABYTE))
            .withManagedFields(new ManagedFieldsEntry())
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .withResourceVersion("43")
            .build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Operator);
    spec.setLabelSelector("group in (A,B),!legacy");
    spec.setExpiresAt("2030-01-31T12:00:00+01:00");
    spec.setDescription(MEGABYTE);
    token.setSpec(spec);
    AiTokenStatus status = new AiTokenStatus();
    status.setPhase(TokenPhase.Ready);
    status.setSecretName("ops");
    status.setTokenHash("sha256:" + "ab".repeat(32));
    status.setTokenPrefix("abcdefgh");
    status.setIssuedAt("2026-01-01T00:00:00Z");
    status.setExpiresAt("2030-01-01T00:00:00Z");
    status.setLastUsedAt(Instant.parse("2026-01-02T00:00:00Z").toString());
    status.setMatchedApps(2);
    token.setStatus(status);
    return token;
  }
}
