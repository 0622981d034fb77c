package io.aideploy.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as kubectl users type them ({@code --timeout 30s}, {@code 1m30s}, {@code 2h}): Go's
 * {@code time.ParseDuration} units h, m, s and ms, whole numbers, largest unit first or not.
 */
public final class KubectlDuration {
  private static final Pattern WHOLE = Pattern.compile("([0-9]{1,9}(h|ms|m|s))+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})(h|ms|m|s)");

  private KubectlDuration() {}

  /** The duration {@code text} means, or empty if it is not one (a bare number is not). */
  public static Optional<Duration> parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (!WHOLE.matcher(trimmed).matches()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(trimmed);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
              });
    }
    return Optional.of(total);
  }
}
