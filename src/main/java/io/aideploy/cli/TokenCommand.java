package io.aideploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aideploy token …}: create, list, regenerate and delete access tokens (AiTokens). */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list, regenerate and delete access tokens.",
      "A token has a role (read or operator) over the apps its label selector matches; its value"
          + " is shown once, when it is created or regenerated."
    },
    subcommands = {TokenCreate.class, TokenList.class, TokenRegenerate.class, TokenDelete.class})
public class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }
}
