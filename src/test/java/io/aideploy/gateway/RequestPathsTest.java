package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {
  @ParameterizedTest
  @ValueSource(strings = {"/", "/auth", "/auth/traefik", "/v1/apps/", "/v1/apps/a-b/stop", "/a.b"})
  void plainPathsAreRouted(String path) {
    assertThat(RequestPaths.isPlain(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "auth",
        "/auth/../login",
        "/auth/..",
        "/auth/./traefik",
        "/./auth",
        "//auth",
        "/auth//traefik",
        "/auth%2f..%2flogin",
        "/auth%2F..%2Flogin",
        "/auth/%2e%2e/login",
        "/auth/%2E/traefik",
        "/auth%5clogin",
        "/auth\\..\\login",
        "/auth%00"
      })
  void ambiguousPathsAreRefused(String path) {
    assertThat(RequestPaths.isPlain(path)).isFalse();
  }
}
