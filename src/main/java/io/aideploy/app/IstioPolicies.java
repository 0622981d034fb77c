package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.dependent.ExposureKinds;
import io.aideploy.config.Exposure;
import io.aideploy.config.Settings;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Istio's external auth for non-Public apps: one AuthorizationPolicy per app, {@code action:
 * CUSTOM} with the mesh's extension provider, targeting the parent Gateway, for the app's host.
 * Istio reads such a policy only in the Gateway's namespace, where an owner reference to the app
 * cannot point: the policy is labelled with the app's {@code ovh/id} and namespace instead, named
 * from the app's namespace, name and uid (so that a new app of the same name never shares it), and
 * removed when the app turns Public or, once the app is gone, by {@link IstioPolicySweep}. A policy
 * left behind only asks for auth on a host that nobody serves: the failure is closed.
 */
final class IstioPolicies {
  /** The app's namespace, on its policy (for the sweep and the events that re-reconcile it). */
  static final String APP_NAMESPACE = "aideploy.io/app-namespace";

  /** The app's name, on its policy: an annotation, as names may be longer than a label value. */
  static final String APP_NAME = "aideploy.io/app-name";

  private static final int MAX_NAME = 63;
  private static final String PREFIX = "aideploy-";
  private static final int HASH_CHARS = 10;

  private final Exposure exposure;
  private final InformerEventSource<GenericKubernetesResource, AiApp> informer;
  private final IstioPolicySweep sweep;

  IstioPolicies(Exposure exposure, EventSourceContext<AiApp> context) {
    this.exposure = exposure;
    this.sweep = new IstioPolicySweep(exposure, context);
    // Only in the Gateway's namespace, and only the operator's own policies. A policy's events
    // re-reconcile its app, so a policy deleted or edited by hand is written again.
    var config =
        InformerEventSourceConfiguration.from(ExposureKinds.ISTIO_AUTHORIZATION_POLICY, AiApp.class)
            .withName("istio-authorization-policies")
            .withNamespaces(Set.of(exposure.parent().namespace()))
            .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(IstioPolicies::app)
            .build();
    this.informer = new InformerEventSource<>(config, context);
  }

  /** The policies' informer, and the sweep (an event source only to start and stop with it). */
  List<EventSource<?, AiApp>> eventSources() {
    return List.of(informer, sweep);
  }

  /** The app a policy was written for, from its labels; none for a policy without them. */
  static Set<ResourceID> app(GenericKubernetesResource policy) {
    String namespace = policy.getMetadata().getLabels().get(APP_NAMESPACE);
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    String name = annotations == null ? null : annotations.get(APP_NAME);
    return namespace == null || name == null ? Set.of() : Set.of(new ResourceID(name, namespace));
  }

  /**
   * Writes {@code app}'s policy unless the one in place already is as it should be; returns once
   * the API server has it, so that the caller may then publish the route.
   */
  void apply(AiApp app, Context<AiApp> context) {
    GenericKubernetesResource desired = desired(app, AppContext.settings(context));
    GenericKubernetesResource actual = current(app).orElse(null);
    if (actual != null && matches(actual, desired)) {
      return;
    }
    GenericKubernetesResource applied =
        context
            .getClient()
            .resource(desired)
            .fieldManager(ReservedLabels.MANAGER)
            .forceConflicts()
            .serverSideApply();
    // Into the informer's cache at once, so that the reconcile its own event causes finds it.
    ResourceID id = ResourceID.fromResource(applied);
    if (actual == null) {
      informer.handleRecentResourceCreate(id, applied);
      AppContext.changes(context).created(desired.getKind());
    } else {
      informer.handleRecentResourceUpdate(id, applied, actual);
      AppContext.changes(context).updated(desired.getKind());
    }
  }

  /** Deletes {@code app}'s policy, if it has one. */
  void delete(AiApp app, KubernetesClient client) {
    current(app).ifPresent(policy -> client.resource(policy).delete());
  }

  private java.util.Optional<GenericKubernetesResource> current(AiApp app) {
    return informer.get(new ResourceID(name(app), exposure.parent().namespace()));
  }

  GenericKubernetesResource desired(AiApp app, Settings settings) {
    String host = settings.appHost(app.getMetadata().getUid());
    Map<String, Object> targetRef = new LinkedHashMap<>();
    targetRef.put("group", ExposureKinds.GATEWAY_API_GROUP);
    targetRef.put("kind", "Gateway");
    targetRef.put("name", exposure.parent().name());
    // Istio builds a virtual host for "host" and "host:*": a Host header with a port must match
    // the policy too, or it would reach the app unchecked.
    Map<String, Object> operation = Map.of("hosts", List.of(host, host + ":*"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(targetRef));
    spec.put("action", "CUSTOM");
    spec.put("provider", Map.of("name", exposure.istio().provider()));
    spec.put("rules", List.of(Map.of("to", List.of(Map.of("operation", operation)))));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(ExposureKinds.ISTIO_AUTHORIZATION_POLICY.apiVersion())
        .withKind(ExposureKinds.ISTIO_AUTHORIZATION_POLICY.getKind())
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name(app))
                .withNamespace(exposure.parent().namespace())
                .withLabels(labels(app))
                .withAnnotations(Map.of(APP_NAME, app.getMetadata().getName()))
                .build())
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  /** Not the app's own labels: the policy lives in someone else's namespace. */
  private static Map<String, String> labels(AiApp app) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ReservedLabels.ID, app.getMetadata().getUid());
    labels.put(ReservedLabels.MANAGED_BY, ReservedLabels.MANAGER);
    labels.put(APP_NAMESPACE, app.getMetadata().getNamespace());
    return labels;
  }

  private static boolean matches(GenericKubernetesResource actual, GenericKubernetesResource want) {
    Map<String, String> labels = actual.getMetadata().getLabels();
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    return Objects.equals(actual.get("spec"), want.get("spec"))
        && labels != null
        && labels.entrySet().containsAll(want.getMetadata().getLabels().entrySet())
        && annotations != null
        && annotations.entrySet().containsAll(want.getMetadata().getAnnotations().entrySet());
  }

  /**
   * {@code aideploy-<namespace>-<name>-<hash>}: readable, at most 63 characters, and unique per app
   * (the hash covers namespace, name and uid, which a truncated prefix may not show).
   */
  static String name(AiApp app) {
    String namespace = app.getMetadata().getNamespace();
    String appName = app.getMetadata().getName();
    String hash = sha256(namespace + "/" + appName + "/" + app.getMetadata().getUid());
    String readable = (namespace + "-" + appName).replace('.', '-');
    int room = MAX_NAME - PREFIX.length() - 1 - HASH_CHARS;
    if (readable.length() > room) {
      readable = readable.substring(0, room);
    }
    readable = readable.replaceAll("[^a-z0-9]+$", "");
    return PREFIX + readable + "-" + hash.substring(0, HASH_CHARS);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
