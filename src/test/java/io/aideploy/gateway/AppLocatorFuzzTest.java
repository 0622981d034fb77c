package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. */
class AppLocatorFuzzTest {
  private static final String BASE = "apps.example.com";
  private static final AppLocator LOCATOR = new AppLocator(BASE);

  @FuzzTest(maxDuration = "30s")
  void idsComeOnlyFromHostsInTheBaseDomain(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    checkHost(text);
    checkHost(text + "." + BASE);
    checkUrl(text);
    checkUrl("https://" + text);
  }

  private static void checkHost(String raw) {
    AppLocator.Located located = LOCATOR.fromHost(raw);
    if (located.appId() == null) {
      return;
    }
    assertThat(located.malformed()).isFalse();
    assertThat(AppLocator.isId(located.appId())).isTrue();
    // The host as sent, not as Unicode case folding may turn it: ASCII only.
    String host = raw.strip();
    assertThat(host.chars().allMatch(c -> c < 0x7f)).as("ASCII host %s", host).isTrue();
    host = host.toLowerCase(Locale.ROOT).replaceFirst(":[0-9]{1,5}$", "");
    host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    assertThat(host).isEqualTo(located.appId() + "." + BASE);
  }

  private static void checkUrl(String url) {
    String host = AppLocator.hostOfUrl(url);
    String target = AppLocator.targetOfUrl(url);
    assertThat(target == null).isEqualTo(host == null);
    if (host != null) {
      assertThat(host).isNotEmpty().doesNotContain("@", "\\", "/", "?", "#");
      assertThat(target).startsWith("/").doesNotContain("#");
    }
  }
}
