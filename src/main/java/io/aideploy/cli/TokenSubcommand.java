package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every token command shares: the cluster, the namespace, stdout and stderr. */
abstract class TokenSubcommand implements Callable<Integer> {
  @Mixin KubeOptions kube;
  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  AiToken existing(KubernetesClient client, String name) {
    AiToken token =
        client.resources(AiToken.class).inNamespace(kube.namespace()).withName(name).get();
    if (token == null) {
      KubeOptions.requireNamespace(client, kube.namespace());
      throw CliException.notFound(
          "no token "
              + name
              + " in namespace "
              + kube.namespace()
              + "; 'aideploy token ls -n "
              + kube.namespace()
              + "' lists them");
    }
    return token;
  }

  /** Prints a freshly issued value: alone on stdout (for $(…)), the reminder on stderr. */
  void printValue(OutputOptions output, AiToken token, String value) {
    if (output.isTable()) {
      out().println(value);
      out().flush();
    } else {
      Map<String, Object> json = summary(token);
      json.put("token", value);
      output.print(out(), json);
    }
    err()
        .println(
            "This is the only time the value of token "
                + token.getMetadata().getName()
                + " is shown: store it now. 'aideploy token regenerate "
                + token.getMetadata().getName()
                + "' issues a new one (and ends this one).");
    err().flush();
  }

  /** What the CLI shows of a token for machines: everything but the value (it is not there). */
  static Map<String, Object> summary(AiToken token) {
    Map<String, Object> json = new LinkedHashMap<>();
    AiTokenStatus status = token.getStatus();
    json.put("name", token.getMetadata().getName());
    json.put("namespace", token.getMetadata().getNamespace());
    json.put("role", Objects.toString(token.getSpec().getRole(), null));
    json.put("labelSelector", token.getSpec().getLabelSelector());
    json.put("expiresAt", token.getSpec().getExpiresAt());
    json.put("description", token.getSpec().getDescription());
    json.put("phase", status == null ? null : Objects.toString(status.getPhase(), null));
    json.put("tokenPrefix", status == null ? null : status.getTokenPrefix());
    json.put("matchedApps", status == null ? null : status.getMatchedApps());
    json.put("issuedAt", status == null ? null : status.getIssuedAt());
    json.put("lastUsedAt", status == null ? null : status.getLastUsedAt());
    return json;
  }
}
