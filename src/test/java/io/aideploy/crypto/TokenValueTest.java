package io.aideploy.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenValueTest {
  // Checksums computed independently with Python's zlib.crc32 and a base62 conversion.
  private static final String KNOWN = "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6y";
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  @Test
  void generatedValueHasPrefixLengthAndAlphabet() {
    String value = TokenValue.generate();
    assertThat(value).startsWith("aid_").hasSize(42);
    assertThat(value.substring(4)).matches("[0-9A-Za-z]{38}");
  }

  @Test
  void generatedValuesAreWellFormedAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String value = TokenValue.generate();
      assertThat(TokenValue.isWellFormed(value)).as("sample %d", i).isTrue();
      assertThat(seen.add(value)).as("sample %d is new", i).isTrue();
    }
  }

  @Test
  void generatedValuesUseTheWholeAlphabetEvenly() {
    int[] counts = new int[ALPHABET.length()];
    int samples = 2_000;
    for (int i = 0; i < samples; i++) {
      String random = TokenValue.generate().substring(4, 36);
      for (char c : random.toCharArray()) {
        counts[ALPHABET.indexOf(c)]++;
      }
    }
    // 64000 draws over 62 characters: about 1032 each; a modulo bias would show near 2x.
    double expected = samples * 32.0 / ALPHABET.length();
    for (int i = 0; i < counts.length; i++) {
      assertThat(counts[i])
          .as("count of %s", ALPHABET.charAt(i))
          .isBetween((int) (expected * 0.8), (int) (expected * 1.2));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6y",
        "aid_000000000000000000000000000000002wjyrI",
        "aid_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz4W8LJS"
      })
  void acceptsKnownChecksums(String value) {
    assertThat(TokenValue.isWellFormed(value)).isTrue();
    assertThat(TokenValue.isWellFormed(new StringBuilder(value))).isTrue();
  }

  @Test
  void refusesAnySingleChangedCharacterInRandomPartOrChecksum() {
    for (String value : new String[] {KNOWN, TokenValue.generate()}) {
      for (int i = 4; i < value.length(); i++) {
        for (int j = 0; j < ALPHABET.length(); j++) {
          char replacement = ALPHABET.charAt(j);
          if (replacement == value.charAt(i)) {
            continue;
          }
          String changed = value.substring(0, i) + replacement + value.substring(i + 1);
          assertThat(TokenValue.isWellFormed(changed)).as("changed at %d", i).isFalse();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "aid_",
        "aid0123456789abcdefghijABCDEFGHIJKL3J1F6y",
        "AID_0123456789abcdefghijABCDEFGHIJKL3J1F6y",
        "aid-0123456789abcdefghijABCDEFGHIJKL3J1F6y",
        "xyz_0123456789abcdefghijABCDEFGHIJKL3J1F6y",
        " aid_0123456789abcdefghijABCDEFGHIJKL3J1F6",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6yy",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6y ",
        "aid_0123456789abcdefghijABCDEFGHIJK3J1F6y",
        "aid_0123456789abcdefghij-BCDEFGHIJKL3J1F6y",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6\u00e9",
        "aid_0123456789abcdéfghijABCDEFGHIJKL3J1F6y",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6\u0000",
        "aid_0123456789abcdefghijABCDEFGHIJKL3J1F6\ud83d",
      })
  void refusesMalformedValues(String value) {
    assertThat(TokenValue.isWellFormed(value)).isFalse();
  }

  @Test
  void refusesNullAndHugeInputsWithoutThrowing() {
    assertThat(TokenValue.isWellFormed(null)).isFalse();
    assertThat(TokenValue.isWellFormed(KNOWN.repeat(1_000_000))).isFalse();
    assertThat(TokenValue.isWellFormed("\ud83d\ude00".repeat(21))).isFalse();
  }

  @Test
  void hashIsPrefixedLowercaseHexSha256() {
    String hash = TokenValue.hash(TokenValue.generate());
    assertThat(hash).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void hashMatchesIndependentlyComputedVectors() {
    // printf '%s' VALUE | sha256sum
    assertThat(TokenValue.hash("aid_0123456789abcdefghijABCDEFGHIJ"))
        .isEqualTo("sha256:5a80812b04a5d4f3054427982db0a15e1aef1b31f519fc41d0d481fcac844b06");
    assertThat(TokenValue.hash("h\u00e9llo"))
        .as("UTF-8 bytes are hashed")
        .isEqualTo("sha256:3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179");
  }

  @Test
  void hashRefusesNull() {
    assertThatThrownBy(() -> TokenValue.hash(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void prefixIsTheFirstEightCharactersAfterAid() {
    assertThat(TokenValue.prefix(KNOWN)).isEqualTo("01234567");
    String value = TokenValue.generate();
    assertThat(TokenValue.prefix(value)).isEqualTo(value.substring(4, 12));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "aid_", "aid_1234567", "xyz_0123456789abcdefghij", "secret-s3cr3t"})
  void prefixRefusesNonTokensWithoutRevealingThem(String value) {
    assertThatThrownBy(() -> TokenValue.prefix(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a token value");
  }

  @Test
  void matchesHashComparesWithTheStoredHash() {
    String value = TokenValue.generate();
    String hash = TokenValue.hash(value);
    assertThat(TokenValue.matchesHash(value, hash)).isTrue();
    assertThat(TokenValue.matchesHash(TokenValue.generate(), hash)).isFalse();
    assertThat(TokenValue.matchesHash(value, hash.toUpperCase())).isFalse();
    assertThat(TokenValue.matchesHash(value, hash.substring(0, hash.length() - 1))).isFalse();
    assertThat(TokenValue.matchesHash(value, hash + "0")).isFalse();
    assertThat(TokenValue.matchesHash(value, value)).isFalse();
    assertThat(TokenValue.matchesHash(value, "")).isFalse();
  }

  @Test
  void matchesHashIsFalseForNulls() {
    assertThat(TokenValue.matchesHash(null, TokenValue.hash("x"))).isFalse();
    assertThat(TokenValue.matchesHash("x", null)).isFalse();
    assertThat(TokenValue.matchesHash(null, null)).isFalse();
  }
}
