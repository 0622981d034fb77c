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
  void hostsOfTheBaseDomainNameApps() {
    assertThat(locator.fromHost(ID + ".APPS.example.com.").appId()).isEqualTo(ID);
    assertThat(locator.fromHost(ID + ".apps.example.com:443").appId()).isEqualTo(ID);
    assertThat(locator.fromHost("apps.example.com")).isEqualTo(AppLocator.Located.NONE);
    assertThat(locator.fromHost("a.b.apps.example.com")).isEqualTo(AppLocator.Located.NONE);
    assertThat(locator.fromHost("x.apps.example.com:abc").malformed()).isTrue();
    // Lowercased, the Kelvin sign U+212A would be an ASCII 'k': app "keep".
    assertThat(locator.fromHost("\u212Aeep.apps.example.com").malformed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "https://x.apps.example.com,/",
    "https://x.apps.example.com/a/b?c=d,/a/b?c=d",
    "https://x.apps.example.com?c=d,/?c=d",
    "https://x.apps.example.com/a#frag,/a",
    "HTTP://x.apps.example.com/,/"
  })
  void browserTargetsOfOriginalUrls(String url, String target) {
    assertThat(AppLocator.targetOfUrl(url)).isEqualTo(target);
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
  void malformedIdsAreNotIds(String app) {
    assertThat(AppLocator.isId(app)).isFalse();
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
    assertThat(AppLocator.isId(app)).isTrue();
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
  void hostileUrlsNeverNameAnApp(String url, boolean malformed) {
    String host = AppLocator.hostOfUrl(url);
    if (malformed) {
      assertThat(host == null || locator.fromHost(host).malformed()).isTrue();
    } else {
      assertThat(host).isNotNull();
      assertThat(locator.fromHost(host).appId()).isNull();
    }
  }
}
