package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Autoscaling;
import io.aideploy.app.AppReplicas;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.Locale;

/** The app's HorizontalPodAutoscaler, present only while autoscaling is set and the app runs. */
@KubernetesDependent(informer = @Informer(labelSelector = ReservedLabels.MANAGED_SELECTOR))
public class HorizontalPodAutoscalerDependent extends AppChildDependent<HorizontalPodAutoscaler> {

  public HorizontalPodAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(AiApp app, Context<AiApp> context) {
    Autoscaling autoscaling = app.getSpec().getAutoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(childMetadata(app))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(childName(app))
        .endScaleTargetRef()
        .withMinReplicas(autoscaling.getMinReplicas())
        .withMaxReplicas(autoscaling.getMaxReplicas())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName(autoscaling.getResourceType().name().toLowerCase(Locale.ROOT))
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(autoscaling.getAverageUtilization())
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  /** Reconcile precondition: when it is not met, JOSDK deletes the autoscaler. */
  public static class Enabled implements Condition<HorizontalPodAutoscaler, AiApp> {
    @Override
    public boolean isMet(
        DependentResource<HorizontalPodAutoscaler, AiApp> dependent,
        AiApp app,
        Context<AiApp> context) {
      return AppReplicas.autoscaled(app.getSpec());
    }
  }
}
