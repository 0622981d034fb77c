package io.aideploy.cli;

import io.aideploy.config.KubectlDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --timeout}: how long a command waits for the operator, written as kubectl takes it. */
public class WaitOptions {
  @Option(
      names = "--timeout",
      paramLabel = "<duration>",
      defaultValue = "60s",
      converter = TimeoutConverter.class,
      description =
          "How long to wait for the operator: 90s, 2m, 1m30s, or a number of seconds."
              + " Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  static class TimeoutConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim();
      Duration parsed =
          text.matches("[0-9]{1,9}")
              ? Duration.ofSeconds(Long.parseLong(text))
              : KubectlDuration.parse(text).orElse(null);
      if (parsed == null || parsed.isZero()) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration; write it as kubectl does: 90s, 2m, 1m30s");
      }
      return parsed;
    }
  }
}
