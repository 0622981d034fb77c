package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialTest {
  @Test
  void bearerSchemeIsCaseInsensitive() {
    assertThat(Credential.of("bEaReR aid_x", () -> null)).isEqualTo(new Credential.Bearer("aid_x"));
  }

  @Test
  void headerWinsOverCookie() {
    assertThat(Credential.of("Bearer v", () -> "c")).isInstanceOf(Credential.Bearer.class);
    assertThat(Credential.of(null, () -> "c")).isInstanceOf(Credential.Session.class);
    assertThat(Credential.of(null, () -> null)).isInstanceOf(Credential.None.class);
    // A broken header is not replaced by the cookie: the caller meant the header.
    assertThat(Credential.of("Basic dXNlcg==", () -> "c")).isInstanceOf(Credential.Malformed.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearerx v", "Basic abc", "Token v", " "})
  void malformedHeaders(String header) {
    assertThat(Credential.of(header, () -> null)).isInstanceOf(Credential.Malformed.class);
  }

  @Test
  void toStringNeverShowsTheValue() {
    assertThat(new Credential.Bearer("aid_secret").toString()).doesNotContain("secret");
    assertThat(new Credential.Session("cookie-secret").toString()).doesNotContain("secret");
  }
}
