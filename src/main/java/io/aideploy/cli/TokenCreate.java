package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.kube.Rfc3339;
import io.aideploy.labels.Selector;
import io.aideploy.labels.SelectorSyntaxException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code aideploy token create NAME --role ROLE [-l SELECTOR | --all-apps]}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a token, wait for the operator to issue its value, and print the value once.",
      "Example: aideploy token create reader-token --role read --label-selector group=A"
    })
class TokenCreate extends TokenSubcommand {
  private static final String NAME = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

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
        value = new TokenIssuance(client, kube.namespace(), name).await(t -> true, waiting.timeout);
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
