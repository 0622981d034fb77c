package io.aideploy.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
  @Test
  void readsWhatTheSchemaLetsThroughTheSameWayEverywhere() {
    Instant noon = Instant.parse("2027-03-01T12:00:00Z");
    assertThat(Rfc3339.parse("2027-03-01T12:00:00Z")).isEqualTo(noon);
    assertThat(Rfc3339.parse("2027-03-01t12:00:00z")).isEqualTo(noon);
    assertThat(Rfc3339.parse("2027-03-01t14:00:00+02:00")).isEqualTo(noon);
    assertThat(Rfc3339.parse("2027-03-01T12:00:00.123456789Z")).isAfter(noon);
  }

  @Test
  void aLeapSecondNamesNoInstant() {
    assertThatThrownBy(() -> Rfc3339.parse("2027-03-01T12:00:60Z"))
        .isInstanceOf(DateTimeParseException.class);
  }
}
