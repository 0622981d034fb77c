package io.aideploy;

import io.aideploy.config.Settings;
import io.aideploy.gateway.GatewayRuntime;
import io.aideploy.operator.OperatorRuntime;
import io.aideploy.server.Component;
import io.aideploy.server.ServerCommand;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code aideploy all}: the operator and the gateway in one process, for local use and demos. */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description = "Run the operator and the gateway in one process (local use, demos, tests).")
public class AllCommand extends ServerCommand {
  @Override
  protected void check(Settings settings) {
    GatewayRuntime.check(settings);
  }

  @Override
  protected List<Component> start(Resources r) {
    GatewayRuntime gateway =
        GatewayRuntime.start(r.client(), r.settings(), r.registry(), r.clock(), r.vertx());
    OperatorRuntime operator =
        OperatorRuntime.start(r.client(), r.settings(), r.registry(), r.clock());
    return List.of(gateway, operator);
  }
}
