package io.aideploy.secrets;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every place a pod spec names a Secret, so that a Deployment whose Pods could read a token's value
 * is found whatever wrote its template. The Deployment aideploy writes names Secrets only in its
 * container's {@code env}; the others are checked as well because a Deployment may have been edited
 * by hand, and the check must not depend on what the operator itself writes today.
 *
 * <p>Covered: {@code env[].valueFrom.secretKeyRef} and {@code envFrom[].secretRef} of containers,
 * init containers and ephemeral containers; volumes of type {@code secret}, {@code projected}
 * (secret sources), and the credential Secrets of volume plugins ({@code csi}, {@code cephfs},
 * {@code rbd}, {@code flexVolume}, {@code iscsi}, {@code scaleIO}, {@code storageos}, {@code
 * cinder}, {@code azureFile}); and {@code imagePullSecrets}. The last two groups are read by the
 * kubelet or a driver rather than by the Pod, but naming a token Secret there is never legitimate.
 */
public final class PodSecrets {
  private PodSecrets() {}

  /** One place of a pod spec that names a Secret, e.g. {@code container app env TOKEN}. */
  public record Use(String where, String secret) {
    @Override
    public String toString() {
      return where + " reads Secret " + secret;
    }
  }

  /** The Secrets {@code deployment}'s pod template names; empty without a template. */
  public static List<Use> of(Deployment deployment) {
    if (deployment == null || deployment.getSpec() == null) {
      return List.of();
    }
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    return template == null ? List.of() : of(template.getSpec());
  }

  /** Every place of {@code spec} that names a Secret, in the order of the spec. */
  public static List<Use> of(PodSpec spec) {
    List<Use> uses = new ArrayList<>();
    if (spec == null) {
      return uses;
    }
    for (var c : orEmpty(spec.getInitContainers())) {
      container(uses, "initContainer " + c.getName(), c.getEnv(), c.getEnvFrom());
    }
    for (var c : orEmpty(spec.getContainers())) {
      container(uses, "container " + c.getName(), c.getEnv(), c.getEnvFrom());
    }
    for (var c : orEmpty(spec.getEphemeralContainers())) {
      container(uses, "ephemeralContainer " + c.getName(), c.getEnv(), c.getEnvFrom());
    }
    for (Volume v : orEmpty(spec.getVolumes())) {
      volume(uses, v);
    }
    for (LocalObjectReference ref : orEmpty(spec.getImagePullSecrets())) {
      add(uses, "imagePullSecrets", ref);
    }
    return uses;
  }

  /** The uses of {@code uses} whose Secret {@code isTokenSecret} says holds a token. */
  public static List<Use> matching(List<Use> uses, Predicate<String> isTokenSecret) {
    return uses.stream().filter(u -> isTokenSecret.test(u.secret())).toList();
  }

  /** The uses as a sentence fragment: {@code container app env T reads Secret ops; ...}. */
  public static String describe(List<Use> uses) {
    return uses.stream().map(Use::toString).collect(Collectors.joining("; "));
  }

  private static void container(
      List<Use> uses, String where, List<EnvVar> env, List<EnvFromSource> envFrom) {
    for (EnvVar e : orEmpty(env)) {
      if (e != null && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        add(uses, where + " env " + e.getName(), e.getValueFrom().getSecretKeyRef().getName());
      }
    }
    for (EnvFromSource from : orEmpty(envFrom)) {
      if (from != null && from.getSecretRef() != null) {
        add(uses, where + " envFrom", from.getSecretRef().getName());
      }
    }
  }

  private static void volume(List<Use> uses, Volume v) {
    if (v == null) {
      return;
    }
    String where = "volume " + v.getName();
    if (v.getSecret() != null) {
      add(uses, where, v.getSecret().getSecretName());
    }
    if (v.getProjected() != null) {
      for (VolumeProjection source : orEmpty(v.getProjected().getSources())) {
        if (source != null && source.getSecret() != null) {
          add(uses, where + " (projected)", source.getSecret().getName());
        }
      }
    }
    if (v.getCsi() != null) {
      add(uses, where + " (csi)", v.getCsi().getNodePublishSecretRef());
    }
    if (v.getCephfs() != null) {
      add(uses, where + " (cephfs)", v.getCephfs().getSecretRef());
    }
    if (v.getRbd() != null) {
      add(uses, where + " (rbd)", v.getRbd().getSecretRef());
    }
    if (v.getFlexVolume() != null) {
      add(uses, where + " (flexVolume)", v.getFlexVolume().getSecretRef());
    }
    if (v.getIscsi() != null) {
      add(uses, where + " (iscsi)", v.getIscsi().getSecretRef());
    }
    if (v.getScaleIO() != null) {
      add(uses, where + " (scaleIO)", v.getScaleIO().getSecretRef());
    }
    if (v.getStorageos() != null) {
      add(uses, where + " (storageos)", v.getStorageos().getSecretRef());
    }
    if (v.getCinder() != null) {
      add(uses, where + " (cinder)", v.getCinder().getSecretRef());
    }
    if (v.getAzureFile() != null) {
      add(uses, where + " (azureFile)", v.getAzureFile().getSecretName());
    }
  }

  private static void add(List<Use> uses, String where, LocalObjectReference ref) {
    if (ref != null) {
      add(uses, where, ref.getName());
    }
  }

  private static void add(List<Use> uses, String where, String secret) {
    if (secret != null && !secret.isEmpty()) {
      uses.add(new Use(where, secret));
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
