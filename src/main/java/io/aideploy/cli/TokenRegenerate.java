package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.config.KubectlDuration;
import io.aideploy.kube.ExactWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aideploy token regenerate NAME [--grace DURATION]}. */
@Command(
    name = "regenerate",
    mixinStandardHelpOptions = true,
    description = {
      "Issue a new value for a token and print it once; the old value stops working at once,"
          + " or, with --grace, when that time has passed."
    })
class TokenRegenerate extends TokenSubcommand {
  @Parameters(paramLabel = "<name>", description = "Name of the token.")
  String name;

  @Option(
      names = "--grace",
      paramLabel = "<duration>",
      description =
          "Keep the old value working this long (e.g. 10m, 1h30m; at most 168h), so that"
              + " clients can move to the new one. Default: the old value stops at once.")
  String grace;

  @Mixin WaitOptions waiting;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Duration keep = checkGrace(grace);
    try (KubernetesClient client = kube.client()) {
      AiToken token = existing(client, name);
      String oldHash = token.getStatus() == null ? null : token.getStatus().getTokenHash();
      // Any new value of the annotation asks for a new token value; a UUID is never reused.
      String request = UUID.randomUUID().toString();
      Map<String, Object> annotations = new HashMap<>();
      annotations.put(AiToken.REGENERATE_ANNOTATION, request);
      // null removes an earlier grace: this regeneration has only the one asked for now.
      annotations.put(AiToken.REGENERATE_GRACE_ANNOTATION, keep.isZero() ? null : grace.trim());
      ExactWrites.mergePatch(
          client,
          AiToken.class,
          kube.namespace(),
          name,
          token.getMetadata().getUid(),
          Map.of("metadata", Map.of("annotations", annotations)));
      String value;
      try (Progress progress =
          Progress.start(err(), "waiting for the operator to issue a new value for " + name)) {
        value =
            new TokenIssuance(client, kube.namespace(), name)
                .await(
                    t ->
                        request.equals(t.getStatus().getRegenerateRequest())
                            && !Objects.equals(oldHash, t.getStatus().getTokenHash()),
                    waiting.timeout);
      }
      AiToken issued = existing(client, name);
      printValue(output, issued, value);
      String until = issued.getStatus().getPreviousValueValidUntil();
      if (until != null) {
        err().println("The previous value of " + name + " keeps working until " + until + ".");
      }
      return 0;
    }
  }

  private static Duration checkGrace(String grace) {
    if (grace == null) {
      return Duration.ZERO;
    }
    Duration keep =
        KubectlDuration.parse(grace)
            .orElseThrow(
                () ->
                    CliException.usage(
                        "--grace must be a duration such as 10m or 1h30m, not '" + grace + "'"));
    if (keep.compareTo(Duration.ofHours(168)) > 0) {
      throw CliException.usage("--grace is at most 168h, not '" + grace + "'");
    }
    return keep;
  }
}
