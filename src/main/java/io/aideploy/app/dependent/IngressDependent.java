package io.aideploy.app.dependent;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Streaming;
import io.aideploy.app.AppContext;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app's Ingress at {@code <ovh/id>.<base-domain>}. Unless the app is Public it carries the
 * ingress-nginx external-auth annotations (which Traefik's ingress-nginx provider also reads).
 */
public class IngressDependent extends AppChildDependent<Ingress> {
  public static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  public static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  public static final String AUTH_RESPONSE_HEADERS =
      "nginx.ingress.kubernetes.io/auth-response-headers";
  public static final String AUTH_KEEPALIVE = "nginx.ingress.kubernetes.io/auth-keepalive";
  public static final String RESPONSE_HEADERS = "X-Aideploy-Token,X-Aideploy-Role";
  public static final String PROXY_BUFFERING = "nginx.ingress.kubernetes.io/proxy-buffering";
  public static final String PROXY_READ_TIMEOUT = "nginx.ingress.kubernetes.io/proxy-read-timeout";
  public static final String PROXY_SEND_TIMEOUT = "nginx.ingress.kubernetes.io/proxy-send-timeout";

  public IngressDependent() {
    super(Ingress.class);
  }

  @Override
  protected Ingress desired(AiApp app, Context<AiApp> context) {
    Settings settings = AppContext.settings(context);
    String appId = app.getMetadata().getUid();
    String host = settings.appHost(appId);
    IngressBuilder ingress =
        new IngressBuilder()
            .withMetadata(childMetadata(app))
            .editMetadata()
            .withAnnotations(annotations(app, settings))
            .endMetadata()
            .withNewSpec()
            .withIngressClassName(settings.ingressClass())
            .addNewRule()
            .withHost(host)
            .withNewHttp()
            .addNewPath()
            .withPath("/")
            .withPathType("Prefix")
            .withNewBackend()
            .withNewService()
            .withName(childName(app))
            .withNewPort()
            .withNumber(ServiceDependent.PORT)
            .endPort()
            .endService()
            .endBackend()
            .endPath()
            .endHttp()
            .endRule()
            .endSpec();
    if (settings.tlsSecret() != null) {
      ingress
          .editSpec()
          .addNewTl()
          .withHosts(host)
          .withSecretName(settings.tlsSecret())
          .endTl()
          .endSpec();
    }
    return ingress.build();
  }

  private static Map<String, String> annotations(AiApp app, Settings settings) {
    Map<String, String> annotations = authAnnotations(app, settings);
    annotations.putAll(streamingAnnotations(app));
    return annotations;
  }

  /**
   * What keeps a streaming app's Server-Sent Events and WebSockets flowing through ingress-nginx:
   * each event passed on as it arrives, whatever the controller's ConfigMap says, and the idle
   * timeouts (60 s by default) raised. Upgrades need nothing: ingress-nginx sends HTTP/1.1 with the
   * client's Upgrade and Connection headers in every location. Traefik's ingress-nginx provider
   * reads none of these and streams by itself (docs/traefik.md).
   */
  static Map<String, String> streamingAnnotations(AiApp app) {
    if (!Streaming.on(app.getSpec())) {
      return Map.of();
    }
    String idle = String.valueOf(app.getSpec().getStreaming().getIdleTimeoutSeconds());
    return Map.of(PROXY_BUFFERING, "off", PROXY_READ_TIMEOUT, idle, PROXY_SEND_TIMEOUT, idle);
  }

  static Map<String, String> authAnnotations(AiApp app, Settings settings) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (app.getSpec().getAccess() == Access.Public) {
      return annotations;
    }
    String gateway = settings.gatewayUrl().toString().replaceAll("/+$", "");
    annotations.put(AUTH_URL, gateway + "/auth?app=" + app.getMetadata().getUid());
    String login = settings.loginUrl().toString();
    annotations.put(
        AUTH_SIGNIN,
        login + (login.contains("?") ? "&" : "?") + "rd=$scheme://$http_host$escaped_request_uri");
    annotations.put(AUTH_RESPONSE_HEADERS, RESPONSE_HEADERS);
    if (settings.authKeepalive() > 0) {
      annotations.put(AUTH_KEEPALIVE, String.valueOf(settings.authKeepalive()));
    }
    return annotations;
  }
}
