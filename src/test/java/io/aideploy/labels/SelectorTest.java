package io.aideploy.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expected results were taken from apimachinery v0.35.4's {@code labels.Parse}, {@code String()}
 * and {@code Matches} run on the same inputs.
 */
class SelectorTest {

  static Stream<Arguments> accepted() {
    return Stream.of(
        ok("a=b", "a=b"),
        ok("a==b", "a==b"),
        ok("a!=b", "a!=b"),
        ok("a = b", "a=b"),
        ok("  a  ==  b  ", "a==b"),
        ok("a\t!=\tb", "a!=b"),
        ok("a=b\r\n", "a=b"),
        ok("a in (b,c)", "a in (b,c)"),
        ok("a in(b,c)", "a in (b,c)"),
        ok("a notin (c,b)", "a notin (b,c)"),
        ok("a in ( b , c )", "a in (b,c)"),
        ok("a in (b,b,c)", "a in (b,c)"),
        ok("a in (b,)", "a in (,b)"),
        ok("a in (,b)", "a in (,b)"),
        ok("a in (,)", "a in ()"),
        ok("a in ()", "a in ()"),
        ok("a in (,,)", "a in ()"),
        ok("a notin ()", "a notin ()"),
        ok("a", "a"),
        ok("!a", "!a"),
        ok("! a", "!a"),
        ok("a,b", "a,b"),
        ok("!a,b=c,d in (e)", "!a,b=c,d in (e)"),
        ok("z=1,a=2,m", "a=2,m,z=1"),
        ok("x=b,!c", "!c,x=b"),
        ok("a=b,a=c", "a=b,a=c"),
        ok("tier in (web)\n,env", "env,tier in (web)"),
        ok("a=", "a="),
        ok("a=,b", "a=,b"),
        ok("a==", "a=="),
        ok("a!=", "a!="),
        ok("a>1", "a>1"),
        ok("a<1", "a<1"),
        ok("a > 10", "a>10"),
        ok("a>9223372036854775807", "a>9223372036854775807"),
        ok("a<01", "a<01"),
        ok("in in (in,notin)", "in in (in,notin)"),
        ok("notin notin (notin)", "notin notin (notin)"),
        ok("in", "in"),
        ok("notin=in", "notin=in"),
        ok("example.com/tier=web", "example.com/tier=web"),
        ok("!example.com/tier", "!example.com/tier"),
        ok("a.b-c_d=e.f-g_h", "a.b-c_d=e.f-g_h"),
        ok("A=B", "A=B"),
        ok("1=2", "1=2"),
        ok("k".repeat(63) + "=" + "v".repeat(63), "k".repeat(63) + "=" + "v".repeat(63)),
        ok("p".repeat(253) + "/n", "p".repeat(253) + "/n"),
        ok("a,b in (c),!d,e!=f,g>3", "a,b in (c),!d,e!=f,g>3"),
        // The Go lexer reads bytes and takes NUL for the end of the text where a token may start.
        ok("a \u0000!!garbage", "a"),
        ok("a=\u0000b", "a=b"),
        ok("\u0000a=b", ""),
        ok("", ""),
        ok(" ", ""),
        ok("\t\r\n", ""));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        bad("a=b=c", 3),
        bad("a,", 2),
        bad(",a", 0),
        bad("a,,b", 2),
        bad(",", 0),
        bad("a=b,", 4),
        bad("a in (b", 7),
        bad("a in b", 5),
        bad("a in (b c)", 8),
        bad("a in (b))", 8),
        bad("a notin", 7),
        bad("!a=b", 2),
        bad("!a in (b)", 3),
        bad("a!", 1),
        bad("!!a", 1),
        bad("a!b", 1),
        bad("=b", 0),
        bad("a=!b", 2),
        bad("a===b", 3),
        bad("a=(b)", 2),
        bad("a b", 2),
        bad("a=b c", 4),
        bad("a>b", 2),
        bad("a>", 2),
        bad("a>-1", 2),
        bad("a>+1", 2),
        bad("a<1.5", 2),
        bad("a>9223372036854775808", 2),
        bad("a>1,b<x", 6),
        bad("-a=b", 0),
        bad("a-=b", 0),
        bad("a=-b", 2),
        bad("a=b-", 2),
        bad("Example.com/a=b", 0),
        bad("example.com/=b", 0),
        bad("/a=b", 0),
        bad("a/b/c=d", 0),
        bad("ex_ample.com/a=b", 0),
        bad("p".repeat(254) + "/n", 0),
        bad("k".repeat(64), 0),
        bad("a=" + "v".repeat(64), 2),
        bad("a=\u00e9", 2),
        bad("\u00e9=a", 0),
        bad("a=b;c=d", 2),
        bad("a\u000b", 0),
        bad("a\f=b", 0),
        bad("a\u00a0=b", 0),
        bad("a\u0000!!garbage", 2),
        bad("a=b\u0000c", 4),
        bad("a in (b,=)", 8),
        bad("a in (b, c,d-)", 11));
  }

  private static Arguments ok(String selector, String canonical) {
    return arguments(selector, canonical);
  }

  private static Arguments bad(String selector, int position) {
    return arguments(selector, position);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
  @MethodSource("accepted")
  void acceptsAndPrintsCanonically(String text, String canonical) {
    Selector selector = Selector.parse(text);
    assertThat(selector).hasToString(canonical);
    assertThat(Selector.parse(canonical)).as("canonical form parses back").isEqualTo(selector);
    assertThat(selector.isEmpty()).isEqualTo(canonical.isEmpty());
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" refused at {1}")
  @MethodSource("refused")
  void refusesPointingAtTheProblem(String text, int position) {
    assertThatThrownBy(() -> Selector.parse(text))
        .isInstanceOf(SelectorSyntaxException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(((SelectorSyntaxException) e).position()).isEqualTo(position))
        .hasMessageStartingWith("invalid label selector \"")
        .hasMessageContaining("at position " + position + ": ");
  }

  @Test
  void messagesNameTheWrongKeyOrValue() {
    assertThatThrownBy(() -> Selector.parse("tier=web,Bad.com/x=y"))
        .hasMessageContaining("invalid key 'Bad.com/x'")
        .hasMessageContaining("prefix part");
    assertThatThrownBy(() -> Selector.parse("tier in (web, -api)"))
        .hasMessageContaining("at position 14: invalid value '-api' for key 'tier'");
    assertThatThrownBy(() -> Selector.parse("n>ten"))
        .hasMessageContaining("value 'ten' of key 'n' must be an integer");
    assertThatThrownBy(() -> Selector.parse("a,,b"))
        .hasMessageContaining("found ',', expected a key after ','");
    assertThatThrownBy(() -> Selector.parse("a in (b"))
        .hasMessageContaining("found end of string, expected ',' or ')'");
  }

  @Test
  void messagesEscapeControlCharactersAndCutHugeText() {
    assertThatThrownBy(() -> Selector.parse("a=b\u001b[31m\u2028\"x"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b", "\u2028"))
        .hasMessageContaining("\\u001b[31m\\u2028\\\"x");
    String huge = "a=b," + "c".repeat(100_000) + "!";
    assertThatThrownBy(() -> Selector.parse(huge))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
  }

  @Test
  void nullAndBlankSelectEverything() {
    assertThat(Selector.parse(null)).isSameAs(Selector.everything());
    assertThat(Selector.parse("  ")).isSameAs(Selector.everything());
    assertThat(Selector.everything()).hasToString("");
    assertThat(Selector.everything().isEmpty()).isTrue();
    assertThat(Selector.everything().requirements()).isEmpty();
    assertThat(Selector.everything().matches(Map.of("a", "b"))).isTrue();
    assertThat(Selector.everything().matches(null)).isTrue();
  }

  private static final Map<String, Map<String, String>> UNIVERSE = universe();

  private static Map<String, Map<String, String>> universe() {
    Map<String, Map<String, String>> apps = new LinkedHashMap<>();
    apps.put("none", Map.of());
    apps.put("web", Map.of("tier", "web"));
    apps.put("api", Map.of("tier", "api", "env", "prod"));
    apps.put("emptyTier", Map.of("tier", ""));
    apps.put("prefixed", Map.of("example.com/tier", "web", "env", "dev"));
    apps.put("five", Map.of("n", "5"));
    apps.put("ten", Map.of("n", "10", "env", "prod"));
    apps.put("negative", Map.of("n", "-3"));
    apps.put("word", Map.of("n", "x"));
    apps.put("max", Map.of("n", "9223372036854775807"));
    apps.put("plus", Map.of("n", "+7"));
    apps.put("keyword", Map.of("in", "notin"));
    return apps;
  }

  static Stream<Arguments> matchTable() {
    String all = String.join(" ", UNIVERSE.keySet());
    return Stream.of(
        arguments("", all),
        arguments("tier=web", "web"),
        arguments("tier==web", "web"),
        arguments(
            "tier!=web", "none api emptyTier prefixed five ten negative word max plus keyword"),
        arguments("tier in (web,api)", "web api"),
        arguments(
            "tier notin (web)",
            "none api emptyTier prefixed five ten negative word max plus keyword"),
        arguments("tier", "web api emptyTier"),
        arguments("!tier", "none prefixed five ten negative word max plus keyword"),
        arguments("tier=", "emptyTier"),
        arguments("tier in ()", "emptyTier"),
        arguments("tier notin ()", "none web api prefixed five ten negative word max plus keyword"),
        arguments("tier!=", "none web api prefixed five ten negative word max plus keyword"),
        arguments("tier in (,web)", "web emptyTier"),
        arguments("n>5", "ten max plus"),
        arguments("n<10", "five negative plus"),
        arguments("n<0", "negative"),
        arguments("n>4,n<10", "five plus"),
        arguments("n>9223372036854775806", "max"),
        arguments("env=prod,tier", "api"),
        arguments("env=prod,!tier", "ten"),
        arguments("example.com/tier=web", "prefixed"),
        arguments(
            "!example.com/tier", "none web api emptyTier five ten negative word max plus keyword"),
        arguments("in=notin", "keyword"),
        arguments("in in (notin)", "keyword"),
        arguments("env notin (prod),!n", "none web emptyTier prefixed keyword"),
        arguments("env!=prod,env", "prefixed"),
        arguments("tier in (web),tier in (api)", ""));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" selects [{1}]")
  @MethodSource("matchTable")
  void matchesLikeTheApiServer(String text, String expectedNames) {
    Selector selector = Selector.parse(text);
    List<String> selected = new ArrayList<>();
    UNIVERSE.forEach(
        (name, labels) -> {
          if (selector.matches(labels)) {
            selected.add(name);
          }
        });
    assertThat(String.join(" ", selected)).isEqualTo(expectedNames);
  }

  @Test
  void keyMappedToNullCountsAsAbsent() {
    Map<String, String> labels = new HashMap<>();
    labels.put("tier", null);
    assertThat(Selector.parse("tier").matches(labels)).isFalse();
    assertThat(Selector.parse("!tier").matches(labels)).isTrue();
    assertThat(Selector.parse("tier!=web").matches(labels)).isTrue();
    assertThat(Selector.parse("tier=web").matches(null)).isFalse();
  }

  @Test
  void greaterAndLessIgnoreNonAsciiDigits() {
    // Long.parseLong would read these Arabic-Indic digits as 5; Go's ParseInt does not.
    assertThat(Selector.parse("n>1").matches(Map.of("n", "\u0665"))).isFalse();
    assertThat(Selector.parse("n<9").matches(Map.of("n", "99999999999999999999"))).isFalse();
    assertThat(Selector.parse("n<0").matches(Map.of("n", "-9223372036854775808"))).isTrue();
  }

  @Test
  void exposesSortedRequirements() {
    Selector selector = Selector.parse("z notin (b,a,b),!y,x>3,a");
    assertThat(selector.requirements())
        .extracting(Requirement::key, Requirement::operator, Requirement::values)
        .containsExactly(
            tuple("a", Operator.EXISTS, List.of()),
            tuple("x", Operator.GREATER_THAN, List.of("3")),
            tuple("y", Operator.DOES_NOT_EXIST, List.of()),
            tuple("z", Operator.NOT_IN, List.of("a", "b")));
    assertThat(selector.requirements().get(3)).hasToString("z notin (a,b)");
    assertThatThrownBy(() -> selector.requirements().get(3).values().set(0, "c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requirementRefusesAValueCountThatDoesNotSuitItsOperator() {
    assertThatThrownBy(() -> Requirement.of("a", Operator.IN, new TreeSet<>()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Requirement.of("a", Operator.NOT_IN, new TreeSet<>()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Requirement.of("a", Operator.EQUALS, new TreeSet<>(List.of("b", "c"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Requirement.of("a", Operator.EXISTS, new TreeSet<>(List.of("b"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Requirement.of("a", Operator.GREATER_THAN, new TreeSet<>(List.of("b"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalSelectorsAreEqual() {
    assertThat(Selector.parse("b, a in (y,x)")).isEqualTo(Selector.parse("a in (x,y),b"));
    assertThat(Selector.parse("b, a in (y,x)").hashCode())
        .isEqualTo(Selector.parse("a in (x,y),b").hashCode());
    assertThat(Selector.parse("a=b")).isNotEqualTo(Selector.parse("a==b"));
  }

  @Test
  void oneSelectorServesManyThreads() throws Exception {
    Selector selector = Selector.parse("tier in (web,api),env!=dev,!legacy,n<100");
    Map<String, String> yes = Map.of("tier", "web", "n", "7");
    Map<String, String> no = Map.of("tier", "web", "env", "dev");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  boolean allRight = true;
                  for (int i = 0; i < 100_000; i++) {
                    allRight &= selector.matches(yes) && !selector.matches(no);
                  }
                  return allRight;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
