package io.aideploy.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Which settings each server command takes: all of them share one option class (and the Helm chart
 * gives both components the same variables), but {@code --help} shows a command only the settings
 * it uses, each with its environment twin, and a setting it does not use is refused on its command
 * line. Settings not listed here are used by every command.
 */
public final class ServerSettings {
  /** Settings a command does not use, by command name; {@code all} uses every one. */
  static final Map<String, Set<String>> UNUSED =
      Map.of(
          "operator",
          Set.of(
              "--gateway-port",
              "--grpc-port",
              "--session-key-file",
              "--session-lifetime",
              "--failed-auth-limit",
              "--trusted-proxies"),
          "gateway",
          Set.of(
              "--gateway-url",
              "--ingress-class",
              "--auth-keepalive",
              "--tls-secret",
              "--exposure",
              "--gateway-parent",
              "--gateway-auth",
              "--istio-provider",
              "--leader-election",
              "--leader-election-namespace"));

  private static final Pattern ENVIRONMENT = Pattern.compile("\\$\\{env:(AIDEPLOY_[A-Z0-9_]+)");

  private ServerSettings() {}

  /** Rewrites the help of server command {@code command}'s settings (see the class comment). */
  public static void describe(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    Set<String> unused = UNUSED.getOrDefault(spec.name(), Set.of());
    for (OptionSpec option : new ArrayList<>(spec.options())) {
      Optional<String> variable = environmentVariable(option);
      boolean hide = unused.contains(option.longestName());
      if (variable.isEmpty() && !hide) {
        continue;
      }
      OptionSpec.Builder rewritten = option.toBuilder();
      // The builder holds the texts before interpolation, ${DEFAULT-VALUE} and all.
      variable.ifPresent(
          name -> rewritten.description(withVariable(rewritten.description(), name)));
      rewritten.hidden(option.hidden() || hide);
      spec.remove(option);
      spec.addOption(rewritten.build());
    }
  }

  /**
   * Refuses a setting given on {@code spec}'s command line that the command does not use, rather
   * than ignoring it.
   */
  static void refuseUnused(CommandSpec spec) {
    Set<String> unused = UNUSED.getOrDefault(spec.name(), Set.of());
    for (String name : unused) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw new ParameterException(
            spec.commandLine(),
            name
                + " is not used by the "
                + spec.name()
                + " command; leave it out, or use 'aideploy all' to run both components");
      }
    }
  }

  /** The AIDEPLOY_* variable an option defaults to, if any. */
  static Optional<String> environmentVariable(OptionSpec option) {
    Matcher matcher = ENVIRONMENT.matcher(String.valueOf(option.toBuilder().defaultValue()));
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static String[] withVariable(String[] description, String variable) {
    List<String> lines = new ArrayList<>(List.of(description));
    String last = lines.isEmpty() ? "" : lines.remove(lines.size() - 1);
    lines.add((last.isEmpty() ? "" : last + " ") + "Environment: " + variable + ".");
    return lines.toArray(String[]::new);
  }
}
