package io.aideploy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLevelsTest {
  @Test
  void aBadLevelIsOneLineSayingWhichVariableAndWhatToSet() {
    assertThat(LogLevels.problem(Map.of("AIDEPLOY_LOG_LEVEL", "loud")::get))
        .isEqualTo(
            "AIDEPLOY_LOG_LEVEL='loud' is not a log level; set it to one of trace, debug, info,"
                + " warn, error, off");
    assertThat(LogLevels.problem(Map.of("AIDEPLOY_AUDIT_LOG_LEVEL", "quiet")::get))
        .startsWith("AIDEPLOY_AUDIT_LOG_LEVEL='quiet' is not a log level");
    assertThat(LogLevels.problem(Map.of("AIDEPLOY_LOG_LEVEL", "DEBUG")::get)).isNull();
    assertThat(LogLevels.problem(Map.<String, String>of()::get)).isNull();
  }
}
