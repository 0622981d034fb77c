package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import java.util.Map;
import java.util.Optional;

/**
 * A child whose kind comes from a CRD the operator ships no model of (Gateway API, Traefik, Envoy
 * Gateway, Istio): built as a map, watched through its group, version and plural.
 */
public abstract class GenericChildDependent extends AppChildDependent<GenericKubernetesResource> {
  private final GroupVersionKindPlural kind;

  GenericChildDependent(GroupVersionKindPlural kind) {
    super(GenericKubernetesResource.class);
    this.kind = kind;
  }

  public GroupVersionKindPlural kind() {
    return kind;
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<GenericKubernetesResource>
      informerConfigurationBuilder(EventSourceContext<AiApp> context) {
    return InformerEventSourceConfiguration.from(kind, AiApp.class)
        .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
        .withNamespacesInheritedFromController();
  }

  /**
   * From this dependent's own informer: the reconciler's context merges every informer of a type,
   * and all of these children are GenericKubernetesResources of the same name.
   */
  @Override
  public Optional<GenericKubernetesResource> getSecondaryResource(
      AiApp app, Context<AiApp> context) {
    return eventSource().flatMap(source -> source.get(targetSecondaryResourceID(app, context)));
  }

  /** An object of this kind with {@code metadata} and {@code spec}. */
  GenericKubernetesResource resource(ObjectMeta metadata, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(kind.apiVersion())
        .withKind(kind.getKind())
        .withMetadata(metadata)
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }
}
