package io.aideploy.cli;

import java.util.Set;
import java.util.function.Function;

/**
 * Phases in colour, as kubectl plugins do it: only on a terminal, never when {@code NO_COLOR} is
 * set (no-color.org) or {@code TERM=dumb}, so that pipes and scripts get plain text.
 */
final class Colour {
  private static final Set<String> GOOD = Set.of("Running", "Ready");
  private static final Set<String> BAD = Set.of("Failed", "Invalid", "Expired");
  private static final String RESET = "\u001b[0m";

  private final boolean enabled;

  Colour(boolean enabled) {
    this.enabled = enabled;
  }

  /** For this process: its console and its environment. */
  static Colour forThisProcess() {
    return new Colour(enabled(System::getenv, System.console() != null));
  }

  /** Whether to colour, given the environment and whether stdout is a terminal. */
  static boolean enabled(Function<String, String> environment, boolean terminal) {
    String noColor = environment.apply("NO_COLOR");
    return terminal
        && (noColor == null || noColor.isEmpty())
        && !"dumb".equals(environment.apply("TERM"));
  }

  /** {@code phase} in green (working), red (broken) or yellow (on its way), or as it is. */
  String phase(String phase) {
    if (!enabled || phase == null || phase.isEmpty()) {
      return phase;
    }
    String code = GOOD.contains(phase) ? "32" : BAD.contains(phase) ? "31" : "33";
    return "\u001b[" + code + "m" + phase + RESET;
  }
}
