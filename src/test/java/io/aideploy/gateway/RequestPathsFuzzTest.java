package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. */
class RequestPathsFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void plainPathsHaveNoTricks(byte[] input) {
    check(new String(input, StandardCharsets.UTF_8));
    check("/" + new String(input, StandardCharsets.ISO_8859_1));
  }

  private static void check(String path) {
    if (!RequestPaths.isPlain(path)) {
      return;
    }
    String lower = path.toLowerCase(Locale.ROOT);
    assertThat(path).startsWith("/").doesNotContain("\\", "//");
    // With a slash appended, "/." and "/.." at the end count too.
    assertThat(path + "/").doesNotContain("/./", "/../");
    assertThat(lower).doesNotContain("%2e", "%2f", "%5c", "%00");
  }
}
