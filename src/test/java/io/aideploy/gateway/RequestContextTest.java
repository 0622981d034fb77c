package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestContextTest {

  @ParameterizedTest
  @CsvSource({
    "app=0f0e0d0c-0000-4000-8000-000000000001, 0f0e0d0c-0000-4000-8000-000000000001",
    "app=hello-world, hello-world",
    "app=a, a"
  })
  void aSolePlainParameterIsReadDirectly(String query, String value) {
    assertThat(RequestContext.plainSoleParam(query, "app")).isEqualTo(value);
  }

  /** Everything else is left to the general decoder, which also refuses repeats and bad escapes. */
  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "app",
        "app=",
        "apps=x",
        "ap=x",
        "x=1",
        "app=a&app=b",
        "app=a&x=1",
        "app=a;x=1",
        "app=%61",
        "app=a+b",
        "app=A",
        "app=a/b",
        "x=1&app=a"
      })
  void anythingElseTakesTheGeneralPath(String query) {
    assertThat(RequestContext.plainSoleParam(query, "app")).isNull();
  }
}
