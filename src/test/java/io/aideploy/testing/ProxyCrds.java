package io.aideploy.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real CRDs of the proxies (Gateway API experimental, Traefik, Envoy Gateway, Istio), as {@code
 * scripts/local-cluster build} fetched them from the projects' Go modules, installed into the local
 * control plane so that the API server validates what the operator writes against them.
 */
public final class ProxyCrds {
  public static final String HTTP_ROUTES = "httproutes.gateway.networking.k8s.io";
  public static final String GATEWAYS = "gateways.gateway.networking.k8s.io";
  public static final String GATEWAY_CLASSES = "gatewayclasses.gateway.networking.k8s.io";
  public static final String REFERENCE_GRANTS = "referencegrants.gateway.networking.k8s.io";
  public static final String GRPC_ROUTES = "grpcroutes.gateway.networking.k8s.io";
  public static final String BACKEND_TLS_POLICIES = "backendtlspolicies.gateway.networking.k8s.io";
  public static final String TRAEFIK_MIDDLEWARES = "middlewares.traefik.io";
  public static final String ENVOY_SECURITY_POLICIES = "securitypolicies.gateway.envoyproxy.io";
  public static final String ISTIO_AUTHORIZATION_POLICIES =
      "authorizationpolicies.security.istio.io";

  private ProxyCrds() {}

  /** Installs the CRDs named {@code names} (e.g. {@link #HTTP_ROUTES}) and waits until served. */
  public static void install(KubernetesClient client, String... names) {
    Set<String> wanted = Set.of(names);
    List<CustomResourceDefinition> found =
        all(client).stream().filter(crd -> wanted.contains(crd.getMetadata().getName())).toList();
    if (found.size() != wanted.size()) {
      throw new IllegalStateException(
          "not all of " + wanted + " are in " + dir() + "; found " + found.size());
    }
    apply(client, found);
  }

  /** Installs every CRD of API group {@code group} (a controller watches all of its kinds). */
  public static void installGroup(KubernetesClient client, String group) {
    List<CustomResourceDefinition> found =
        all(client).stream().filter(crd -> group.equals(crd.getSpec().getGroup())).toList();
    if (found.isEmpty()) {
      throw new IllegalStateException("no CRD of group " + group + " in " + dir());
    }
    apply(client, found);
  }

  private static void apply(KubernetesClient client, List<CustomResourceDefinition> crds) {
    for (CustomResourceDefinition crd : crds) {
      LocalControlPlane.apply(client, crd);
    }
  }

  /** Deletes the CRD {@code name} (and every object of its kind), waiting until it is gone. */
  public static void uninstall(KubernetesClient client, String name) {
    var crd = client.apiextensions().v1().customResourceDefinitions().withName(name);
    CustomResourceDefinition installed = crd.get();
    crd.delete();
    crd.waitUntilCondition(java.util.Objects::isNull, 60, TimeUnit.SECONDS);
    if (installed == null) {
      return;
    }
    // The API server's discovery documents follow the CRD a moment later: wait for them too, or
    // whatever reads discovery next still finds the kind.
    String group = installed.getSpec().getGroup();
    String plural = installed.getSpec().getNames().getPlural();
    for (var version : installed.getSpec().getVersions()) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(
              () -> {
                try {
                  var resources = client.getApiResources(group + "/" + version.getName());
                  return resources == null
                      || resources.getResources().stream()
                          .noneMatch(r -> plural.equals(r.getName()));
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                  return e.getCode() == 404;
                }
              });
    }
  }

  private static List<CustomResourceDefinition> all(KubernetesClient client) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          // load() only parses; nothing is sent to the server here.
          for (HasMetadata item : client.load(in).items()) {
            if (item instanceof CustomResourceDefinition crd) {
              crds.add(crd);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the proxy CRDs in " + dir(), e);
    }
    return crds;
  }

  /** {@code scripts/local-cluster proxy-crds}, or a loud failure (never a skip). */
  static Path dir() {
    Path projectDir = LocalControlPlane.projectDir();
    LocalControlPlane.CommandResult result =
        LocalControlPlane.CommandResult.run(
            projectDir,
            List.of(projectDir.resolve("scripts/local-cluster").toString(), "proxy-crds"));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "no proxy CRDs; run scripts/local-cluster build:\n" + result.output());
    }
    String[] lines = result.output().strip().split("\n");
    return Path.of(lines[lines.length - 1]);
  }
}
