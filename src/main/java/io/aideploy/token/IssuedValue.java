package io.aideploy.token;

import io.aideploy.crypto.TokenValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A token value as its Secret holds and describes it.
 *
 * @param value the value itself; it never leaves the operator but into the Secret
 * @param hash {@code sha256:<hex>} the Secret says its value has (null if it says nothing)
 * @param issuedAt when the value was issued
 * @param answers the regenerate request the value answers, or null
 * @param previous the value it replaced, while that one keeps working for a grace period; or null
 * @param described whether the Secret carries this description itself (false for a Secret written
 *     before Secrets described themselves, read with the description its token's status kept)
 */
public record IssuedValue(
    String value,
    String hash,
    String issuedAt,
    String answers,
    Previous previous,
    boolean described) {

  /** A replaced value that still works until {@code validUntil} (exclusive). */
  public record Previous(String hash, Instant validUntil) {
    /** Whether it still works at {@code now}. */
    public boolean worksAt(Instant now) {
      return now.isBefore(validUntil);
    }
  }

  /**
   * A new random value, issued now in answer to {@code answers}, the value it replaces working on
   * as {@code previous} says (null: not at all).
   */
  public static IssuedValue generate(Instant now, String answers, Previous previous) {
    String value = TokenValue.generate();
    return new IssuedValue(
        value,
        TokenValue.hash(value),
        now.truncatedTo(ChronoUnit.SECONDS).toString(),
        answers,
        previous,
        true);
  }

  /**
   * Whether the value is the one the description names: anything else means someone other than the
   * operator wrote the value, and it must not be trusted.
   */
  public boolean intact() {
    return hash != null && TokenValue.matchesHash(value, hash);
  }

  /** The first characters of the value, shown to identify it. */
  public String prefix() {
    return TokenValue.prefix(value);
  }

  /** The same value, now described by the Secret itself. */
  public IssuedValue describedBySecret() {
    return new IssuedValue(value, hash, issuedAt, answers, previous, true);
  }

  /** Never the value: a record's default toString would print it. */
  @Override
  public String toString() {
    return "IssuedValue[" + hash + ", issued " + issuedAt + "]";
  }
}
