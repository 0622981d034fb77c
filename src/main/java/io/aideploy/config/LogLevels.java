package io.aideploy.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The log-level variables, checked before any logger exists: log4j2 would print a long stack trace
 * for a bad level and carry on at its default.
 */
public final class LogLevels {
  /** The variables log4j2.xml reads. */
  static final List<String> VARIABLES = List.of("AIDEPLOY_LOG_LEVEL", "AIDEPLOY_AUDIT_LOG_LEVEL");

  private static final List<String> LEVELS =
      List.of("trace", "debug", "info", "warn", "error", "fatal", "off", "all");

  private LogLevels() {}

  /** What is wrong with the log-level variables of {@code environment}, or null. */
  public static String problem(Function<String, String> environment) {
    for (String variable : VARIABLES) {
      String value = environment.apply(variable);
      if (value != null && !LEVELS.contains(value.trim().toLowerCase(Locale.ROOT))) {
        return variable
            + "='"
            + value
            + "' is not a log level; set it to one of trace, debug, info, warn, error, off";
      }
    }
    return null;
  }
}
