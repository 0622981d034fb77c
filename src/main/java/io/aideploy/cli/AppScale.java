package io.aideploy.cli;

import io.aideploy.lifecycle.RefusedRequest;
import io.aideploy.lifecycle.ScaleRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aideploy app scale APP --replicas N | --min N --max N}. */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Set an app's number of replicas, or its autoscaling bounds; one replaces the other.",
      "Through the gateway this needs an Operator token."
    })
class AppScale extends AppCommand.AppSubcommand {
  @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Option(names = "--replicas", description = "Fixed number of replicas (0-1000).")
  Integer replicas;

  @Option(names = "--min", description = "Autoscaling: fewest replicas (1-1000).")
  Integer min;

  @Option(names = "--max", description = "Autoscaling: most replicas (1-1000).")
  Integer max;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    ScaleRequest scale;
    try {
      scale = ScaleRequest.of(replicas, min, max);
    } catch (RefusedRequest e) {
      throw CliException.usage("pass --replicas N, or --min N --max M for autoscaling");
    }
    try (Apps apps = apps()) {
      AppInfo scaled = apps.scale(apps.get(ref), scale);
      if (!output.isTable()) {
        output.print(out(), scaled);
        return 0;
      }
      out()
          .println(
              "app "
                  + scaled.name()
                  + " scaled to "
                  + (replicas != null
                      ? replicas + " replica" + (replicas == 1 ? "" : "s")
                      : (min == null ? "" : min + "-") + max + " replicas (autoscaling)"));
      out().flush();
      return 0;
    }
  }
}
