package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AppResources;
import io.aideploy.app.AppReplicas;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The app's Deployment: one container running the image, scaled by state and replicas. */
@KubernetesDependent(informer = @Informer(labelSelector = ReservedLabels.MANAGED_SELECTOR))
public class DeploymentDependent extends AppChildDependent<Deployment> {
  /** Pod label naming the app, so that Pod events find their AiApp. */
  public static final String APP_NAME_LABEL = "aideploy.io/app";

  public static final String CONTAINER = "app";

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(AiApp app, Context<AiApp> context) {
    AiAppSpec spec = app.getSpec();
    String uid = app.getMetadata().getUid();
    // Pods carry only identifying labels: relabelling an app must not restart its replicas.
    Map<String, String> podLabels = new LinkedHashMap<>();
    podLabels.put(ReservedLabels.ID, uid);
    podLabels.put(ReservedLabels.TYPE, ReservedLabels.APP_TYPE);
    podLabels.put(ReservedLabels.MANAGED_BY, ReservedLabels.MANAGER);
    podLabels.put(APP_NAME_LABEL, childName(app));
    return new DeploymentBuilder()
        .withMetadata(childMetadata(app))
        .withNewSpec()
        .withReplicas(AppReplicas.desired(spec))
        .withNewSelector()
        .addToMatchLabels(ReservedLabels.ID, uid)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .withContainers(container(spec))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(AiAppSpec spec) {
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(spec.getImage())
            .withCommand(spec.getCommand())
            .withArgs(spec.getArgs())
            // JOSDK's SSA matcher expects a list here, not null.
            .withEnv(spec.getEnv() == null ? List.of() : spec.getEnv())
            .addNewPort()
            .withName("http")
            .withContainerPort(spec.getPort())
            .withProtocol("TCP")
            .endPort();
    if (spec.getResources() != null) {
      Map<String, Quantity> resources = resources(spec.getResources());
      container.withResources(
          new ResourceRequirementsBuilder().withRequests(resources).withLimits(resources).build());
    }
    if (spec.getProbe() != null) {
      int port = spec.getProbe().getPort() != null ? spec.getProbe().getPort() : spec.getPort();
      container
          .withNewReadinessProbe()
          .withNewHttpGet()
          .withPath(spec.getProbe().getPath())
          .withPort(new IntOrString(port))
          .endHttpGet()
          .endReadinessProbe();
    }
    return container.build();
  }

  private static Map<String, Quantity> resources(AppResources resources) {
    Map<String, Quantity> quantities = new LinkedHashMap<>();
    if (resources.getCpu() != null) {
      quantities.put("cpu", new Quantity(resources.getCpu()));
    }
    if (resources.getMemory() != null) {
      quantities.put("memory", new Quantity(resources.getMemory()));
    }
    if (resources.getGpu() != null && resources.getGpu() > 0) {
      quantities.put("nvidia.com/gpu", new Quantity(resources.getGpu().toString()));
    }
    return quantities;
  }
}
