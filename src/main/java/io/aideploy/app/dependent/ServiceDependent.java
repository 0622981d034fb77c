package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The app's ClusterIP Service: port 80 to the container's port. */
@KubernetesDependent(informer = @Informer(labelSelector = ReservedLabels.MANAGED_SELECTOR))
public class ServiceDependent extends AppChildDependent<Service> {
  public static final int PORT = 80;

  public ServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(AiApp app, Context<AiApp> context) {
    return new ServiceBuilder()
        .withMetadata(childMetadata(app))
        .withNewSpec()
        .withType("ClusterIP")
        .addToSelector(ReservedLabels.ID, app.getMetadata().getUid())
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(PORT)
        .withTargetPort(new IntOrString(app.getSpec().getPort()))
        .endPort()
        .endSpec()
        .build();
  }
}
