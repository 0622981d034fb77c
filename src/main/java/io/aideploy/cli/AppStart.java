package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
import picocli.CommandLine.Command;

/** {@code aideploy app start APP}. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start a stopped app (spec.state: Running).")
class AppStart extends AppStateChange {
  @Override
  AppState target() {
    return AppState.Running;
  }
}
