package io.aideploy.cli;

import io.aideploy.config.KubeconfigCheck;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
    try {
      if (kubeconfig == null) {
        KubeconfigCheck.checkDefault(System::getenv, Path.of(System.getProperty("user.home")));
        return Config.autoConfigure(null);
      }
      return KubeconfigCheck.load(kubeconfig, "--kubeconfig names " + kubeconfig);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
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

  /**
   * Fails with "not found" when {@code namespace} does not exist, which an empty list or a missing
   * name would otherwise hide. Says nothing when RBAC does not let the user read namespaces.
   */
  static void requireNamespace(KubernetesClient client, String namespace) {
    boolean missing;
    try {
      missing = client.namespaces().withName(namespace).get() == null;
    } catch (KubernetesClientException e) {
      return;
    }
    if (missing) {
      throw CliException.notFound(CliErrors.missingNamespace(namespace));
    }
  }

  /** A new client; the caller closes it. */
  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }
}
