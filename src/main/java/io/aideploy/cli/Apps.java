package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.lifecycle.NewAppRequest;
import io.aideploy.lifecycle.ScaleRequest;
import java.time.Duration;
import java.util.List;

/** The app operations, through the Kubernetes API or through the gateway's lifecycle API. */
interface Apps extends AutoCloseable {
  /** Every app the caller can see, sorted by name. */
  List<AppInfo> list();

  /**
   * The app whose name or id is {@code ref}.
   *
   * @throws CliException (not found) when there is none
   */
  AppInfo get(String ref);

  /** Sets the app's {@code spec.state} and returns the app as changed. */
  AppInfo setState(AppInfo app, AppState state);

  /** Creates the app (its fields already checked) and returns it as created. */
  AppInfo create(NewAppRequest app);

  /**
   * The created app once it can be used this way: reconciled by the operator (it has a URL), or,
   * through the gateway, known to the gateway and reachable with the token.
   *
   * @throws CliException (unavailable) when that does not happen within {@code timeout}
   */
  AppInfo awaitReady(AppInfo created, Duration timeout);

  /** Sets a fixed number of replicas or autoscaling bounds, and returns the app as changed. */
  AppInfo scale(AppInfo app, ScaleRequest scale);

  /** Asks for the app's deletion. */
  void delete(AppInfo app);

  /** Where apps are looked up, for messages: "namespace x" or "the gateway at …". */
  String scope();

  @Override
  void close();
}
