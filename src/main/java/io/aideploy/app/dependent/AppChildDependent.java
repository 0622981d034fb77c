package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.AppContext;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * A child of an AiApp: named after it, labelled with its effective labels plus managed-by, owned by
 * it, applied with server-side apply. Notes each create and update for the reconciler's Events.
 */
abstract class AppChildDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, AiApp> {

  AppChildDependent(Class<R> type) {
    super(type);
  }

  /** The one name every child of {@code app} has. */
  public static String childName(AiApp app) {
    return app.getMetadata().getName();
  }

  static ObjectMeta childMetadata(AiApp app) {
    return new ObjectMetaBuilder()
        .withName(childName(app))
        .withNamespace(app.getMetadata().getNamespace())
        .withLabels(ReservedLabels.forChildren(app))
        .addNewOwnerReference()
        .withApiVersion(app.getApiVersion())
        .withKind(app.getKind())
        .withName(app.getMetadata().getName())
        .withUid(app.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .build();
  }

  /**
   * Managed children only, in the controller's namespaces. Children declared in the workflow get
   * the same from their {@code @KubernetesDependent} annotation; the exposure's children are
   * reconciled outside the workflow (which mode's kinds exist is known only at start) and get it
   * here.
   */
  @Override
  protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
      EventSourceContext<AiApp> context) {
    return super.informerConfigurationBuilder(context)
        .withLabelSelector(ReservedLabels.MANAGED_SELECTOR)
        .withNamespacesInheritedFromController();
  }

  /** childMetadata sets a controller reference, which JOSDK's own reference would lack. */
  @Override
  protected boolean addOwnerReference() {
    return false;
  }

  /** Every child has the app's name: no need to build the desired object to find it. */
  @Override
  protected ResourceID targetSecondaryResourceID(AiApp app, Context<AiApp> context) {
    return new ResourceID(childName(app), app.getMetadata().getNamespace());
  }

  @Override
  public R create(R desired, AiApp app, Context<AiApp> context) {
    R created;
    try {
      created = super.create(desired, app, context);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // JOSDK creates only if absent (server-side apply with resourceVersion 1), so a 409 means
      // the name is taken. The informers see only labelled children, and may lag: an earlier
      // apply of ours that the API server carried out after the client gave up (seen under load)
      // is one the cache has not seen yet. Such a child is the app's by its controller reference
      // and is applied again; anything else is someone else's object and is never taken over.
      R live = live(desired, context);
      if (live == null || !controlledBy(live, app)) {
        throw new ChildConflictException(
            desired.getKind()
                + " "
                + desired.getMetadata().getName()
                + " already exists and is not managed by aideploy: rename the AiApp or remove"
                + " that "
                + desired.getKind());
      }
      desired.getMetadata().setResourceVersion(null);
      return update(live, desired, app, context);
    }
    AppContext.changes(context).created(desired.getKind());
    return created;
  }

  private R live(R desired, Context<AiApp> context) {
    return context.getClient().resource(desired).get();
  }

  /** Whether {@code child}'s controller is {@code app} itself (its uid, not only its name). */
  static boolean controlledBy(HasMetadata child, AiApp app) {
    return child.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            owner ->
                Boolean.TRUE.equals(owner.getController())
                    && app.getMetadata().getUid().equals(owner.getUid()));
  }

  @Override
  public R update(R actual, R desired, AiApp app, Context<AiApp> context) {
    R updated = super.update(actual, desired, app, context);
    AppContext.changes(context).updated(desired.getKind());
    return updated;
  }
}
