package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AppState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Comparator;
import java.util.List;

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
    // The uid is a precondition: an app deleted and re-created under the same name is not touched.
    String patch =
        "{\"metadata\":{\"uid\":\""
            + app.id()
            + "\"},\"spec\":{\"state\":\""
            + state.name()
            + "\"}}";
    return AppInfo.of(named(app).patch(PatchContext.of(PatchType.JSON_MERGE), patch));
  }

  /** Sets one label on the app (the caller has refused reserved keys). */
  AppInfo setLabel(AppInfo app, String key, String value) {
    String patch =
        "{\"metadata\":{\"uid\":\""
            + app.id()
            + "\",\"labels\":{"
            + quote(key)
            + ":"
            + quote(value)
            + "}}}";
    try {
      return AppInfo.of(named(app).patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422) {
        throw CliException.usage(
            "the API server refused the label "
                + key
                + "="
                + value
                + ": "
                + CliErrors.oneLine(
                    e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
      }
      throw e;
    }
  }

  @Override
  public void delete(AppInfo app) {
    if (named(app).delete().isEmpty()) {
      throw CliException.notFound("app " + app.name() + " is already gone");
    }
  }

  private io.fabric8.kubernetes.client.dsl.Resource<AiApp> named(AppInfo app) {
    return client.resources(AiApp.class).inNamespace(namespace).withName(app.name());
  }

  private static String quote(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
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
