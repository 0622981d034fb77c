package io.aideploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aideploy app url APP}. */
@Command(name = "url", mixinStandardHelpOptions = true, description = "Print an app's URL.")
class AppUrl extends AppSubcommand {
  @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Override
  public Integer call() {
    try (Apps apps = apps()) {
      AppInfo app = apps.get(ref);
      if (app.url() == null) {
        throw CliException.failed(
            "app "
                + app.name()
                + " has no URL yet: the operator has not reconciled it; check that the operator"
                + " runs");
      }
      out().println(app.url());
      out().flush();
      return 0;
    }
  }
}
