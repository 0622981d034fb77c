package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code aideploy token ls}: every token of the namespace, never a value. */
@Command(
    name = "ls",
    aliases = "list",
    mixinStandardHelpOptions = true,
    description =
        "List tokens: name, role, selector, phase, matching apps, last use. Never values.")
class TokenList extends TokenSubcommand {
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    try (KubernetesClient client = kube.client()) {
      List<AiToken> tokens =
          client.resources(AiToken.class).inNamespace(kube.namespace()).list().getItems().stream()
              .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
              .toList();
      if (!output.isTable()) {
        output.print(
            out(), Map.of("items", tokens.stream().map(TokenSubcommand::summary).toList()));
        return 0;
      }
      if (tokens.isEmpty()) {
        KubeOptions.requireNamespace(client, kube.namespace());
        err().println("No tokens in namespace " + kube.namespace() + ".");
        err().flush();
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (AiToken token : tokens) {
        AiTokenStatus status = token.getStatus();
        rows.add(
            List.of(
                token.getMetadata().getName(),
                Objects.toString(token.getSpec().getRole(), ""),
                token.getSpec().scope(),
                status == null ? "" : Objects.toString(status.getPhase(), ""),
                status == null ? "" : Objects.toString(status.getMatchedApps(), ""),
                status == null || status.getLastUsedAt() == null ? "never" : status.getLastUsedAt(),
                status == null ? "" : Objects.toString(status.getTokenPrefix(), "")));
      }
      OutputOptions.table(
          out(),
          List.of("NAME", "ROLE", "SELECTOR", "PHASE", "APPS", "LAST USED", "PREFIX"),
          rows,
          3,
          Colour.forThisProcess());
      return 0;
    }
  }
}
