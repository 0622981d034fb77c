package io.aideploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aideploy app …}: the ovhai-style app commands. */
@Command(
    name = "app",
    mixinStandardHelpOptions = true,
    description = {
      "Run, list, inspect, label, scale, start, stop and delete AI apps.",
      "Uses the Kubernetes API of the current kube context, or, with --url and a token"
          + " (AIDEPLOY_URL, AIDEPLOY_TOKEN or --token-file), the gateway's lifecycle API with no"
          + " cluster access."
    },
    subcommands = {
      AppRun.class,
      AppList.class,
      AppGet.class,
      AppSetLabel.class,
      AppScale.class,
      AppUrl.class,
      AppStart.class,
      AppStop.class,
      AppDelete.class
    })
public class AppCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }
}
