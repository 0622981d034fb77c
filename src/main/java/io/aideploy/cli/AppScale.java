package io.aideploy.cli;

import io.aideploy.lifecycle.ScaleRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code aideploy app scale APP --replicas N | --min N --max N}. */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Set an app's number of replicas, or its autoscaling bounds; one replaces the other.",
      "Through the gateway this needs an Operator token."
    })
class AppScale extends AppSubcommand {
  @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Mixin ReplicaOptions scaling;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    ScaleRequest scale = scaling.scale();
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
                  + (scale.replicas() != null
                      ? scale.replicas() + " replica" + (scale.replicas() == 1 ? "" : "s")
                      : (scale.minReplicas() == null ? "" : scale.minReplicas() + "-")
                          + scale.maxReplicas()
                          + " replicas (autoscaling)"));
      out().flush();
      return 0;
    }
  }
}
