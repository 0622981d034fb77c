package io.aideploy.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.secrets.PodSecrets.Use;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodSecretsTest {

  /** A pod spec that names a Secret in every place a pod spec can, plus some that are not. */
  private static PodSpec everyPlace() {
    return new PodSpecBuilder()
        .addNewInitContainer()
        .withName("init")
        .addNewEnv()
        .withName("I")
        .withNewValueFrom()
        .withNewSecretKeyRef("k", "s-init-env", true)
        .endValueFrom()
        .endEnv()
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .addNewEnv()
        .withName("PLAIN")
        .withValue("x")
        .endEnv()
        .addNewEnv()
        .withName("CM")
        .withNewValueFrom()
        .withNewConfigMapKeyRef("k", "not-a-secret", false)
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("T")
        .withNewValueFrom()
        .withNewSecretKeyRef("token", "s-env", true)
        .endValueFrom()
        .endEnv()
        .addNewEnvFrom()
        .withNewConfigMapRef("cm-from", false)
        .endEnvFrom()
        .addNewEnvFrom()
        .withNewSecretRef("s-env-from", true)
        .endEnvFrom()
        .endContainer()
        .addNewEphemeralContainer()
        .withName("debug")
        .addNewEnvFrom()
        .withNewSecretRef("s-ephemeral", false)
        .endEnvFrom()
        .endEphemeralContainer()
        .addNewVolume()
        .withName("plain")
        .withNewSecret()
        .withSecretName("s-volume")
        .withOptional(true)
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("bundle")
        .withNewProjected()
        .addNewSource()
        .withNewConfigMap()
        .withName("cm-projected")
        .endConfigMap()
        .endSource()
        .addNewSource()
        .withNewSecret()
        .withName("s-projected")
        .endSecret()
        .endSource()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("sa")
        .endServiceAccountToken()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewVolume()
        .withName("csi")
        .withNewCsi()
        .withDriver("d")
        .withNewNodePublishSecretRef("s-csi")
        .endCsi()
        .endVolume()
        .addNewVolume()
        .withName("ceph")
        .withNewCephfs()
        .withMonitors("m")
        .withNewSecretRef("s-cephfs")
        .endCephfs()
        .endVolume()
        .addNewVolume()
        .withName("rbd")
        .withNewRbd()
        .withImage("i")
        .withNewSecretRef("s-rbd")
        .endRbd()
        .endVolume()
        .addNewVolume()
        .withName("flex")
        .withNewFlexVolume()
        .withDriver("d")
        .withNewSecretRef("s-flex")
        .endFlexVolume()
        .endVolume()
        .addNewVolume()
        .withName("iscsi")
        .withNewIscsi()
        .withIqn("q")
        .withNewSecretRef("s-iscsi")
        .endIscsi()
        .endVolume()
        .addNewVolume()
        .withName("scaleio")
        .withNewScaleIO()
        .withSystem("s")
        .withNewSecretRef("s-scaleio")
        .endScaleIO()
        .endVolume()
        .addNewVolume()
        .withName("sos")
        .withNewStorageos()
        .withNewSecretRef("s-storageos")
        .endStorageos()
        .endVolume()
        .addNewVolume()
        .withName("cinder")
        .withNewCinder()
        .withVolumeID("v")
        .withNewSecretRef("s-cinder")
        .endCinder()
        .endVolume()
        .addNewVolume()
        .withName("azure")
        .withNewAzureFile()
        .withShareName("share")
        .withSecretName("s-azure")
        .endAzureFile()
        .endVolume()
        .addNewVolume()
        .withName("scratch")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewImagePullSecret("s-pull")
        .build();
  }

  @Test
  void findsEverySecretAPodSpecNamesAndNothingElse() {
    assertThat(PodSecrets.of(everyPlace()))
        .containsExactly(
            new Use("initContainer init env I", "s-init-env"),
            new Use("container app env T", "s-env"),
            new Use("container app envFrom", "s-env-from"),
            new Use("ephemeralContainer debug envFrom", "s-ephemeral"),
            new Use("volume plain", "s-volume"),
            new Use("volume bundle (projected)", "s-projected"),
            new Use("volume csi (csi)", "s-csi"),
            new Use("volume ceph (cephfs)", "s-cephfs"),
            new Use("volume rbd (rbd)", "s-rbd"),
            new Use("volume flex (flexVolume)", "s-flex"),
            new Use("volume iscsi (iscsi)", "s-iscsi"),
            new Use("volume scaleio (scaleIO)", "s-scaleio"),
            new Use("volume sos (storageos)", "s-storageos"),
            new Use("volume cinder (cinder)", "s-cinder"),
            new Use("volume azure (azureFile)", "s-azure"),
            new Use("imagePullSecrets", "s-pull"));
  }

  @Test
  void readsTheDeploymentsPodTemplate() {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(everyPlace())
            .endTemplate()
            .endSpec()
            .build();
    assertThat(PodSecrets.of(deployment)).hasSize(16);
    assertThat(PodSecrets.of((Deployment) null)).isEmpty();
    assertThat(PodSecrets.of(new Deployment())).isEmpty();
    assertThat(PodSecrets.of(new DeploymentBuilder().withNewSpec().endSpec().build())).isEmpty();
    assertThat(PodSecrets.of(new PodSpec())).isEmpty();
  }

  @Test
  void keepsTheTokenSecretsAndDescribesThem() {
    List<Use> uses = PodSecrets.of(everyPlace());
    List<Use> tokens = PodSecrets.matching(uses, Set.of("s-env", "s-projected")::contains);
    assertThat(tokens)
        .containsExactly(
            new Use("container app env T", "s-env"),
            new Use("volume bundle (projected)", "s-projected"));
    assertThat(PodSecrets.describe(tokens))
        .isEqualTo(
            "container app env T reads Secret s-env;"
                + " volume bundle (projected) reads Secret s-projected");
    assertThat(PodSecrets.matching(uses, s -> false)).isEmpty();
  }
}
