package io.aideploy.gateway;

import io.aideploy.config.Settings;
import io.aideploy.server.Component;
import io.aideploy.server.ServerCommand;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code aideploy gateway}: runs the auth gateway and the management port until stopped. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description =
        "Run the auth gateway: /auth for ingress controllers, the login page and the lifecycle"
            + " API. Stateless; run as many replicas as needed.")
public class GatewayCommand extends ServerCommand {
  @Override
  protected void check(Settings settings) {
    GatewayRuntime.check(settings);
  }

  @Override
  protected List<Component> start(Resources r) {
    return List.of(
        GatewayRuntime.start(r.client(), r.settings(), r.registry(), r.clock(), r.vertx()));
  }
}
