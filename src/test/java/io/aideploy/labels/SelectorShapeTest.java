package io.aideploy.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiTokenSpec;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD's rule on spec.labelSelector (the same RE2 expression, which Java reads alike) against
 * the parser's cases: it must never refuse a selector the parser accepts, and it refuses the
 * refused ones but for what a regular expression cannot see (lengths, keywords as keys), which the
 * operator's parser catches before any value is issued.
 */
class SelectorShapeTest {
  private static final Pattern SHAPE = Pattern.compile(AiTokenSpec.SELECTOR_SHAPE);

  /** Refused by the parser for a length or a control character, which the shape does not judge. */
  private static final List<String> BEYOND_THE_SHAPE =
      List.of(
          "p".repeat(254) + "/n", "k".repeat(64), "a=" + "v".repeat(64), "a>9223372036854775808");

  static Stream<Arguments> accepted() {
    // The API server's pattern refuses control characters before the rule runs.
    return SelectorTest.accepted().filter(a -> !hasControlCharacter((String) a.get()[0]));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void acceptsWhatTheParserAccepts(String text, String canonical) {
    assertThat(SHAPE.matcher(text).find()).as(text).isTrue();
  }

  @ParameterizedTest
  @MethodSource("io.aideploy.labels.SelectorTest#refused")
  void refusesWhatTheParserRefuses(String text, int position) {
    if (hasControlCharacter(text) || BEYOND_THE_SHAPE.contains(text)) {
      return;
    }
    assertThat(SHAPE.matcher(text).find()).as(text).isFalse();
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars()
        .anyMatch(c -> (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f);
  }
}
