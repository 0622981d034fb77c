package io.aideploy.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz test (Jazzer). {@code mvn verify} replays the kept inputs in
 * src/test/resources/io/aideploy/crypto/TokenValueFuzzTestInputs/; bench/fuzz fuzzes.
 */
class TokenValueFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void wellFormedValuesHaveTheDocumentedShape(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    if (TokenValue.isWellFormed(value)) {
      assertThat(value).startsWith(TokenValue.PREFIX).hasSize(TokenValue.LENGTH);
    }
    assertThat(TokenValue.hash(value)).matches("sha256:[0-9a-f]{64}");
    // Latin-1 reaches every char below 0x100, including those UTF-8 decoding replaces.
    String latin = new String(input, StandardCharsets.ISO_8859_1);
    if (TokenValue.isWellFormed(latin)) {
      assertThat(latin).startsWith(TokenValue.PREFIX).hasSize(TokenValue.LENGTH);
    }
  }
}
