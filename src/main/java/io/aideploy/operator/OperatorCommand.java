package io.aideploy.operator;

import io.aideploy.server.Component;
import io.aideploy.server.ServerCommand;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code aideploy operator}: runs the reconcilers and the management port until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run the AiApp and AiToken reconcilers (with leader election when asked).")
public class OperatorCommand extends ServerCommand {
  @Override
  protected List<Component> start(Resources r) {
    return List.of(OperatorRuntime.start(r.client(), r.settings(), r.registry(), r.clock()));
  }
}
