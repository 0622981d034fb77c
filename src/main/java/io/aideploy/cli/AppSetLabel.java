package io.aideploy.cli;

import io.aideploy.labels.ReservedLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aideploy app set-label APP KEY VALUE}: needs cluster access. */
@Command(
    name = "set-label",
    mixinStandardHelpOptions = true,
    description = {
      "Set a label on an app (tokens select apps by label).",
      "Keys under ovh/ are reserved: aideploy sets ovh/id and ovh/type itself."
    })
class AppSetLabel extends AppSubcommand {
  @Parameters(index = "0", paramLabel = "<app>", description = "Name or id of the app.")
  String ref;

  @Parameters(index = "1", paramLabel = "<key>", description = "Label key, e.g. group.")
  String key;

  @Parameters(index = "2", paramLabel = "<value>", description = "Label value, e.g. A.")
  String value;

  @Override
  public Integer call() {
    if (ReservedLabels.isReserved(key)) {
      throw CliException.usage(ReservedLabels.REFUSAL);
    }
    if (gateway.useGateway()) {
      throw CliException.usage(
          "set-label changes the AiApp itself and needs cluster access; the gateway's lifecycle"
              + " API cannot change labels, so drop --url/AIDEPLOY_URL");
    }
    try (KubeApps apps = new KubeApps(kube.client(), kube.namespace())) {
      AppInfo app = apps.get(ref);
      AppInfo labelled = apps.setLabel(app, key, value);
      out().println("app " + labelled.name() + ": label " + key + "=" + value + " set");
      out().flush();
      return 0;
    }
  }
}
