package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** start and stop: the same call with another state. */
abstract class AppStateChange extends AppSubcommand {
  @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Mixin OutputOptions output;

  abstract AppState target();

  @Override
  public Integer call() {
    try (Apps apps = apps()) {
      AppInfo changed = apps.setState(apps.get(ref), target());
      if (!output.isTable()) {
        output.print(out(), changed);
        return 0;
      }
      out()
          .println(
              "app "
                  + changed.name()
                  + (target() == AppState.Stopped ? " stopping" : " starting")
                  + " (state "
                  + changed.state()
                  + ", phase "
                  + nz(changed.phase())
                  + "); 'aideploy app get "
                  + changed.name()
                  + "' follows it");
      out().flush();
      return 0;
    }
  }
}
