package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
import picocli.CommandLine.Command;

/** {@code aideploy app stop APP}. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description =
        "Stop an app (spec.state: Stopped): scales it to zero and keeps its URL, so it can be"
            + " started again.")
class AppStop extends AppStateChange {
  @Override
  AppState target() {
    return AppState.Stopped;
  }
}
