package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aideploy token delete NAME}. */
@Command(
    name = "delete",
    aliases = "rm",
    mixinStandardHelpOptions = true,
    description = "Delete a token: its value is refused from then on and its Secret removed.")
class TokenDelete extends TokenSubcommand {
  @Parameters(paramLabel = "<name>", description = "Name of the token.")
  String name;

  @Override
  public Integer call() {
    try (KubernetesClient client = kube.client()) {
      if (client
          .resources(AiToken.class)
          .inNamespace(kube.namespace())
          .withName(name)
          .delete()
          .isEmpty()) {
        existing(client, name); // throws the not-found message
      }
      out().println("token " + name + " deleted: its value is refused from now on");
      out().flush();
      return 0;
    }
  }
}
