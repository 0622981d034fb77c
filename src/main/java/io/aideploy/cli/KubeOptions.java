package io.aideploy.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the cluster is and which namespace to use: as kubectl decides it, or as told. */
public class KubeOptions {
  @Option(
      names = {"-n", "--namespace"},
      description = "Namespace to use. Default: the namespace of the current kube context.")
  String namespace;

  @Option(
      names = "--kubeconfig",
      paramLabel = "<file>",
      description = "Kubeconfig file to use. Default: KUBECONFIG, then ~/.kube/config.")
  Path kubeconfig;

  private Config config;

  /** The connection settings, read once. */
  Config config() {
    if (config == null) {
      config = load();
      // fabric8 retries a refused connection ten times with back-off: a person waits a minute and
      // a half to learn the cluster is down. Fail after one retry instead.
      config.setRequestRetryBackoffLimit(1);
    }
    return config;
  }

  private Config load() {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw CliException.usage(
          "cannot read the kubeconfig " + kubeconfig + " (" + e.getMessage() + ")");
    }
  }

  /** The namespace: --namespace, else the kube context's, else {@code default} as kubectl does. */
  String namespace() {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    String fromContext = config().getNamespace();
    return fromContext == null || fromContext.isBlank() ? "default" : fromContext;
  }

  /** A new client; the caller closes it. */
  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }
}
