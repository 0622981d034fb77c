package io.aideploy.cli;

import java.io.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aideploy app delete APP [--yes]}. */
@Command(
    name = "delete",
    aliases = "rm",
    mixinStandardHelpOptions = true,
    description = "Delete an app and everything it runs. Asks first unless --yes.")
class AppDelete extends AppSubcommand {
  @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Override
  public Integer call() {
    Console console = System.console();
    if (!yes && console == null) {
      // Nobody to ask: a script must say what it means.
      throw CliException.usage(
          "refusing to delete app " + ref + " without confirmation: pass --yes");
    }
    try (Apps apps = apps()) {
      AppInfo app = apps.get(ref);
      if (!yes) {
        String answer =
            console.readLine(
                "Delete app %s (id %s) in %s, with its Deployment, Service and Ingress? [y/N] ",
                app.name(), app.id(), app.namespace());
        if (answer == null || !answer.strip().toLowerCase().matches("y|yes")) {
          err().println("Not deleted.");
          err().flush();
          return 1;
        }
      }
      apps.delete(app);
      out().println("app " + app.name() + " (id " + app.id() + ") deleted");
      out().flush();
      return 0;
    }
  }
}
