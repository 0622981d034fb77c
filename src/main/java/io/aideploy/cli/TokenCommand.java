package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.config.KubectlDuration;
import io.aideploy.kube.ExactWrites;
import io.aideploy.kube.Rfc3339;
import io.aideploy.labels.Selector;
import io.aideploy.labels.SelectorSyntaxException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code aideploy token …}: create, list, regenerate and delete access tokens (AiTokens). */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list, regenerate and delete access tokens.",
      "A token has a role (read or operator) over the apps its label selector matches; its value"
          + " is shown once, when it is created or regenerated."
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.Ls.class,
      TokenCommand.Regenerate.class,
      TokenCommand.Delete.class
    })
public class TokenCommand implements Runnable {
  private static final String NAME = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  /** What every token command shares: the cluster, the namespace, stdout and stderr. */
  abstract static class TokenSubcommand implements Callable<Integer> {
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
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a token, wait for the operator to issue its value, and print the value once.",
        "Example: aideploy token create reader-token --role read --label-selector group=A"
      })
  static class Create extends TokenSubcommand {
    @Parameters(paramLabel = "<name>", description = "Name of the token (a Kubernetes name).")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "<role>",
        converter = RoleConverter.class,
        completionCandidates = RoleCandidates.class,
        description =
            "read: may query the matching apps; operator: may also start, stop and delete them.")
    Role role;

    @Option(
        names = {"-l", "--label-selector"},
        paramLabel = "<selector>",
        description =
            "Apps the token covers, in kubectl syntax: group=A, env in (prod,staging), !legacy."
                + " Default: every app in the namespace, with a warning (see --all-apps).")
    String selector;

    @Option(
        names = "--all-apps",
        description =
            "Cover every app of the namespace, apps created later included, on purpose: no"
                + " warning, and accepted where the cluster requires an explicit scope.")
    boolean allApps;

    @Option(
        names = "--expires-at",
        paramLabel = "<time>",
        description = "RFC 3339 time after which the token is refused, e.g. 2027-01-31T00:00:00Z.")
    String expiresAt;

    @Option(names = "--description", paramLabel = "<text>", description = "What the token is for.")
    String description;

    @Mixin WaitOptions waiting;

    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      checkName(name);
      if (allApps && selector != null) {
        throw CliException.usage(
            "--all-apps and --label-selector exclude each other: --all-apps covers every app");
      }
      checkSelector(selector);
      checkExpiry(expiresAt);
      AiToken token = new AiToken();
      token.setMetadata(
          new ObjectMetaBuilder().withName(name).withNamespace(kube.namespace()).build());
      AiTokenSpec tokenSpec = new AiTokenSpec();
      tokenSpec.setRole(role);
      // An empty selector is the explicit "every app"; an absent one is every app by omission.
      tokenSpec.setLabelSelector(
          allApps ? "" : selector == null || selector.isBlank() ? null : selector);
      tokenSpec.setExpiresAt(expiresAt);
      tokenSpec.setDescription(description);
      token.setSpec(tokenSpec);
      if (!allApps && (selector == null || selector.isBlank())) {
        err()
            .println(
                "warning: token "
                    + name
                    + " covers every app of namespace "
                    + kube.namespace()
                    + ", apps created later included; narrow it with -l group=A, or pass"
                    + " --all-apps to say you mean it");
        err().flush();
      }
      try (KubernetesClient client = kube.client()) {
        try {
          client.resource(token).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409) {
            throw CliException.failed(
                "token "
                    + name
                    + " already exists in namespace "
                    + kube.namespace()
                    + "; choose another name, or run 'aideploy token regenerate "
                    + name
                    + "' for a new value");
          }
          throw e;
        }
        String value;
        try (Progress progress =
            Progress.start(err(), "waiting for the operator to issue token " + name)) {
          value =
              new TokenIssuance(client, kube.namespace(), name).await(t -> true, waiting.timeout);
        }
        printValue(output, existing(client, name), value);
        return 0;
      }
    }

    private void checkName(String name) {
      if (!name.matches(NAME)) {
        throw CliException.usage(
            "'"
                + name
                + "' is not a valid token name: use lower-case letters, digits, '-' and '.', e.g."
                + " reader-token");
      }
    }

    private static void checkSelector(String selector) {
      try {
        Selector.parseTokenScope(selector);
      } catch (SelectorSyntaxException e) {
        throw CliException.usage(
            "--label-selector: " + e.getMessage() + "; " + AiTokenSpec.SELECTOR_SYNTAX_HINT);
      }
    }

    private static void checkExpiry(String expiresAt) {
      if (expiresAt == null) {
        return;
      }
      Instant time;
      try {
        time = Rfc3339.parse(expiresAt);
      } catch (DateTimeParseException e) {
        throw CliException.usage(
            "--expires-at must be an RFC 3339 time such as 2027-01-31T00:00:00Z, not '"
                + expiresAt
                + "'");
      }
      if (!time.isAfter(Instant.now())) {
        throw CliException.usage("--expires-at " + expiresAt + " is in the past");
      }
    }
  }

  @Command(
      name = "ls",
      aliases = "list",
      mixinStandardHelpOptions = true,
      description =
          "List tokens: name, role, selector, phase, matching apps, last use. Never values.")
  static class Ls extends TokenSubcommand {
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (KubernetesClient client = kube.client()) {
        List<AiToken> tokens =
            client.resources(AiToken.class).inNamespace(kube.namespace()).list().getItems().stream()
                .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
                .toList();
        if (!output.isTable()) {
          output.print(out(), Map.of("items", tokens.stream().map(TokenCommand::summary).toList()));
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
                  status == null || status.getLastUsedAt() == null
                      ? "never"
                      : status.getLastUsedAt(),
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

  @Command(
      name = "regenerate",
      mixinStandardHelpOptions = true,
      description = {
        "Issue a new value for a token and print it once; the old value stops working at once,"
            + " or, with --grace, when that time has passed."
      })
  static class Regenerate extends TokenSubcommand {
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

  @Command(
      name = "delete",
      aliases = "rm",
      mixinStandardHelpOptions = true,
      description = "Delete a token: its value is refused from then on and its Secret removed.")
  static class Delete extends TokenSubcommand {
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

  /** {@code read} (or {@code reader}) and {@code operator}, as ovhai spells the roles. */
  static class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      return switch (value.toLowerCase()) {
        case "read", "reader" -> Role.Reader;
        case "operator" -> Role.Operator;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not a role: use read or operator");
      };
    }
  }

  /** The role names shell completion offers. */
  static class RoleCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("read", "operator").iterator();
    }
  }
}
