package io.aideploy.app;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.app.dependent.EnvoySecurityPolicyDependent;
import io.aideploy.app.dependent.ExposureKinds;
import io.aideploy.app.dependent.ExposureLeftovers;
import io.aideploy.app.dependent.GenericChildDependent;
import io.aideploy.app.dependent.HttpRouteDependent;
import io.aideploy.app.dependent.IngressDependent;
import io.aideploy.app.dependent.InstalledKinds;
import io.aideploy.app.dependent.TraefikMiddlewareDependent;
import io.aideploy.config.Exposure;
import io.aideploy.config.Settings;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes an app reachable: its Ingress, or its HTTPRoute and the auth attachment of the
 * configured Gateway implementation. Reconciled outside the JOSDK workflow because which kinds are
 * watched depends on the settings: the operator watches (and needs rights on) only the kinds of its
 * own mode, and when their CRDs are missing it watches none of them and says so per app.
 */
final class AppExposure {
  /** Reason of the condition and Event when the CRDs the exposure writes are not installed. */
  static final String NOT_INSTALLED = "GatewayApiNotInstalled";

  private static final Logger log = LoggerFactory.getLogger(AppExposure.class);

  /** Every kind that some exposure writes; those this one does not are removed once per app. */
  private static final List<GroupVersionKindPlural> ALL_KINDS =
      List.of(
          ExposureKinds.INGRESS,
          ExposureKinds.HTTP_ROUTE,
          ExposureKinds.TRAEFIK_MIDDLEWARE,
          ExposureKinds.ENVOY_SECURITY_POLICY);

  private final KubernetesDependentResource<?, AiApp> exposer;
  private final KubernetesDependentResource<?, AiApp> attachment;
  private final IstioPolicies istio;
  private final List<String> missingCrds;
  private final ExposureLeftovers leftovers;

  private AppExposure(
      KubernetesDependentResource<?, AiApp> exposer,
      KubernetesDependentResource<?, AiApp> attachment,
      IstioPolicies istio,
      List<GroupVersionKindPlural> used,
      List<String> missingCrds,
      EventSourceContext<AiApp> context) {
    this.exposer = exposer;
    this.attachment = attachment;
    this.istio = istio;
    this.missingCrds = missingCrds;
    List<GroupVersionKindPlural> unused = new ArrayList<>(ALL_KINDS);
    unused.removeAll(used);
    // A kind that is not installed has nothing left over: no call for it on each app.
    this.leftovers = new ExposureLeftovers(InstalledKinds.served(context.getClient(), unused));
  }

  /** The exposure {@code settings} ask for, its CRDs checked against the API server. */
  static AppExposure of(Settings settings, EventSourceContext<AiApp> context) {
    Exposure exposure = settings.exposure();
    if (exposure.mode() == Exposure.Mode.INGRESS) {
      return new AppExposure(
          new IngressDependent(), null, null, List.of(ExposureKinds.INGRESS), List.of(), context);
    }
    GenericChildDependent attachment =
        switch (exposure.auth()) {
          case TRAEFIK -> new TraefikMiddlewareDependent();
          case ENVOY_GATEWAY -> new EnvoySecurityPolicyDependent();
          case EXTERNAL_AUTH -> null; // a filter of the route itself
          case ISTIO -> null; // a policy in the Gateway's namespace, not a child of the app
        };
    IstioPolicies istio =
        exposure.auth() == Exposure.AuthImplementation.ISTIO
            ? new IstioPolicies(exposure, context)
            : null;
    List<GroupVersionKindPlural> used = new ArrayList<>(List.of(ExposureKinds.HTTP_ROUTE));
    if (attachment != null) {
      used.add(attachment.kind());
    }
    if (istio != null) {
      used.add(ExposureKinds.ISTIO_AUTHORIZATION_POLICY);
    }
    List<String> missing = InstalledKinds.missing(context.getClient(), used);
    if (!missing.isEmpty()) {
      log.error(
          "--exposure gateway-api: {} not installed; no app gets an HTTPRoute until it is and"
              + " the operator restarts",
          String.join(", ", missing));
    }
    return new AppExposure(new HttpRouteDependent(), attachment, istio, used, missing, context);
  }

  /** The informers of the kinds this exposure writes; none when their CRDs are missing. */
  List<EventSource<?, AiApp>> eventSources(EventSourceContext<AiApp> context) {
    List<EventSource<?, AiApp>> sources = new ArrayList<>();
    if (!missingCrds.isEmpty()) {
      return sources;
    }
    sources.add(exposer.eventSource(context).orElseThrow());
    if (attachment != null) {
      sources.add(attachment.eventSource(context).orElseThrow());
    }
    if (istio != null) {
      sources.addAll(istio.eventSources());
    }
    return sources;
  }

  /**
   * Creates or updates {@code app}'s exposure and removes what another configuration left; returns
   * why the app cannot be exposed, if it cannot.
   */
  Optional<String> reconcile(AiApp app, Context<AiApp> context) {
    if (!missingCrds.isEmpty()) {
      return Optional.of(
          "Gateway API exposure needs "
              + String.join(", ", missingCrds)
              + ", not installed in the cluster: install the CRDs and restart the operator.");
    }
    leftovers.removeOnce(app, context.getClient());
    // Never a moment where the route names a Middleware that is not there, or where Istio serves
    // the route without the policy: the attachment is written before the route that needs it (a
    // failed write throws, and the route is not published) and deleted after the route that no
    // longer does.
    boolean authenticated = app.getSpec().getAccess() != Access.Public;
    if (authenticated && attachment != null) {
      attachment.reconcile(app, context);
    }
    if (authenticated && istio != null) {
      istio.apply(app, context);
    }
    exposer.reconcile(app, context);
    if (!authenticated && attachment != null) {
      attachment
          .getSecondaryResource(app, context)
          .ifPresent(existing -> context.getClient().resource(existing).delete());
    }
    if (!authenticated && istio != null) {
      istio.delete(app, context.getClient());
    }
    return Optional.empty();
  }
}
