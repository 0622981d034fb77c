package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
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

  /** Asks for the app's deletion. */
  void delete(AppInfo app);

  /** Where apps are looked up, for messages: "namespace x" or "the gateway at …". */
  String scope();

  @Override
  void close();
}
