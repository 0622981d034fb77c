package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. */
class CredentialFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void bearerValuesAreNeverBlankNorShown(byte[] input) {
    String header = new String(input, StandardCharsets.UTF_8);
    check(Credential.bearer(header));
    check(Credential.of(header, () -> "cookie"));
    assertThat(Credential.of(null, header, () -> null)).isInstanceOf(Credential.Ticket.class);
    Credential fromCookie = Credential.of(null, () -> header);
    assertThat(fromCookie)
        .isInstanceOf(header.isEmpty() ? Credential.None.class : Credential.Session.class);
    assertThat(fromCookie.toString()).isIn("None[]", "Session[redacted]");
  }

  private static void check(Credential credential) {
    assertThat(credential).isInstanceOfAny(Credential.Bearer.class, Credential.Malformed.class);
    if (credential instanceof Credential.Bearer bearer) {
      assertThat(bearer.value()).isNotBlank();
      assertThat(bearer.value()).isEqualTo(bearer.value().strip());
      // Constant, so nothing of the value can be in it.
      assertThat(bearer.toString()).isEqualTo("Bearer[redacted]");
    }
  }
}
