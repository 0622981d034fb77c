package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.kube.ExactWrites;
import io.aideploy.lifecycle.NewAppRequest;
import io.aideploy.lifecycle.ScaleRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Apps read and changed through the Kubernetes API, as the user's kube context allows. */
final class KubeApps implements Apps {
  private final KubernetesClient client;
  private final String namespace;

  KubeApps(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public List<AppInfo> list() {
    List<AppInfo> apps =
        client.resources(AiApp.class).inNamespace(namespace).list().getItems().stream()
            .map(AppInfo::of)
            .sorted(Comparator.comparing(AppInfo::name))
            .toList();
    if (apps.isEmpty()) {
      KubeOptions.requireNamespace(client, namespace);
    }
    return apps;
  }

  @Override
  public AppInfo get(String ref) {
    return AppInfo.of(resource(ref));
  }

  /** The AiApp named {@code ref}, else the one whose id ({@code metadata.uid}) is {@code ref}. */
  AiApp resource(String ref) {
    AiApp byName =
        ref.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
            ? client.resources(AiApp.class).inNamespace(namespace).withName(ref).get()
            : null;
    if (byName != null) {
      return byName;
    }
    return client.resources(AiApp.class).inNamespace(namespace).list().getItems().stream()
        .filter(app -> ref.equals(app.getMetadata().getUid()))
        .findFirst()
        .orElseThrow(
            () -> {
              KubeOptions.requireNamespace(client, namespace);
              return CliException.notFound(
                  "no app named or with id '"
                      + ref
                      + "' in namespace "
                      + namespace
                      + "; 'aideploy app ls -n "
                      + namespace
                      + "' lists them");
            });
  }

  @Override
  public AppInfo setState(AppInfo app, AppState state) {
    return AppInfo.of(exactPatch(app, Map.of("spec", Map.of("state", state.name()))));
  }

  @Override
  public AppInfo create(NewAppRequest app) {
    AiApp wanted = app.toAiApp(namespace, app.labels() == null ? Map.of() : app.labels());
    try {
      return AppInfo.of(client.resource(wanted).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw CliException.failed(
            "an app named "
                + app.name()
                + " already exists in namespace "
                + namespace
                + "; choose another --name or omit it");
      }
      if (e.getCode() == 422 || e.getCode() == 400) {
        throw CliException.usage("the API server refused the app: " + reason(e));
      }
      if (e.getCode() == 404) {
        KubeOptions.requireNamespace(client, namespace);
      }
      throw e;
    }
  }

  @Override
  public AppInfo awaitReady(AppInfo created, Duration timeout) {
    AiApp app;
    try {
      app =
          client
              .resources(AiApp.class)
              .inNamespace(namespace)
              .withName(created.name())
              .waitUntilCondition(
                  a -> a == null || (a.getStatus() != null && a.getStatus().getUrl() != null),
                  timeout.toNanos(),
                  TimeUnit.NANOSECONDS);
    } catch (KubernetesClientTimeoutException e) {
      throw CliException.unavailable(
          "app "
              + created.name()
              + " (id "
              + created.id()
              + ") was created but the operator did not reconcile it within "
              + timeout.toSeconds()
              + "s; check that the operator runs, then 'aideploy app get "
              + created.name()
              + "'");
    }
    if (app == null) {
      throw CliException.notFound("app " + created.name() + " was deleted while waiting for it");
    }
    return AppInfo.of(app);
  }

  @Override
  public AppInfo scale(AppInfo app, ScaleRequest scale) {
    try {
      return AppInfo.of(exactPatch(app, Map.of("spec", scale.specPatch())));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422) {
        throw CliException.usage("the API server refused the scale: " + reason(e));
      }
      throw e;
    }
  }

  private static String reason(KubernetesClientException e) {
    return CliErrors.oneLine(e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
  }

  /** Sets one label on the app (the caller has refused reserved keys). */
  AppInfo setLabel(AppInfo app, String key, String value) {
    try {
      return AppInfo.of(exactPatch(app, Map.of("metadata", Map.of("labels", Map.of(key, value)))));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422) {
        throw CliException.usage(
            "the API server refused the label " + key + "=" + value + ": " + reason(e));
      }
      throw e;
    }
  }

  /** Deletes exactly the app that was looked up, not one re-created under its name since. */
  @Override
  public void delete(AppInfo app) {
    try {
      ExactWrites.delete(client, AiApp.class, namespace, app.name(), app.id());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) {
        throw CliException.notFound("app " + app.name() + " is already gone");
      }
      throw e;
    }
  }

  /** A merge patch onto exactly the app that was looked up (see {@link ExactWrites}). */
  private AiApp exactPatch(AppInfo app, Map<String, Object> fields) {
    return ExactWrites.mergePatch(client, AiApp.class, namespace, app.name(), app.id(), fields);
  }

  @Override
  public String scope() {
    return "namespace " + namespace;
  }

  @Override
  public void close() {
    client.close();
  }
}
