package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppLocatorTest {
  private static final String ID = "0f8d2c4e-5b6a-4c1d-9e7f-123456789abc";
  private final AppLocator locator = new AppLocator("apps.example.com");

  @Test
  void appParameterComesFirst() {
    var located = locator.locate(ID, "https://other.apps.example.com/x", "x.apps.example.com", "h");
    assertThat(located.appId()).isEqualTo(ID);
  }

  @Test
  void originalUrlComesBeforeForwardedHostAndHost() {
    assertThat(
            locator
                .locate(null, "https://" + ID + ".apps.example.com/a?b", "x.apps.example.com", null)
                .appId())
        .isEqualTo(ID);
  }

  @Test
  void forwardedHostComesBeforeHost() {
    assertThat(locator.locate(null, null, ID + ".apps.example.com:443", "h").appId()).isEqualTo(ID);
  }

  @Test
  void hostIsTheLastResort() {
    assertThat(locator.locate(null, null, null, ID + ".APPS.example.com.").appId()).isEqualTo(ID);
    assertThat(locator.locate(null, null, null, null)).isEqualTo(AppLocator.Located.NONE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ABC",
        "a b",
        "a/b",
        "../x",
        "a.b",
        "-a",
        "a-",
        "a_b",
        "a\u0000",
        "\u00e9t\u00e9",
        "0123456789012345678901234567890123456789012345678901234567890123456789",
        "a123456789012345678901234567890123456789012345678901234567890123"
      })
  void malformedAppParametersAreRefused(String app) {
    assertThat(locator.locate(app, null, null, null).malformed()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "0",
        "a-b",
        "a--b",
        "0f0e0d0c-0000-4000-8000-000000000001",
        "a12345678901234567890123456789012345678901234567890123456789012"
      })
  void dnsLabelsAreIds(String app) {
    assertThat(locator.locate(app, null, null, null).appId()).isEqualTo(app);
  }

  @ParameterizedTest
  @CsvSource({
    "https://user@x.apps.example.com/,true",
    "https://x.apps.example.com\\@evil.com/,true",
    "ftp://x.apps.example.com/,true",
    "x.apps.example.com/,true",
    "https:///path,true",
    "https://x.apps.example.com:abc/,true",
    "https://evil.com/,false",
    "https://a.b.apps.example.com/,false",
    "https://apps.example.com/,false",
    "https://x.apps.example.com.evil.com/,false",
    "https://[::1]/,false"
  })
  void hostileOriginalUrlsNeverNameAnApp(String url, boolean malformed) {
    var located = locator.locate(null, url, null, null);
    assertThat(located.appId()).isNull();
    assertThat(located.malformed()).isEqualTo(malformed);
  }
}
