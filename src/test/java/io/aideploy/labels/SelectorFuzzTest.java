package io.aideploy.labels;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. Anything but a
 * SelectorSyntaxException escaping is a finding.
 */
class SelectorFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void refusesOnlyWithASyntaxError(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      Selector.parse(text).toString();
    } catch (SelectorSyntaxException expected) {
      // a refusal
    }
    try {
      Selector.parseTokenScope(text).matches(java.util.Map.of("a", "b"));
    } catch (SelectorSyntaxException expected) {
      // a refusal
    }
  }
}
