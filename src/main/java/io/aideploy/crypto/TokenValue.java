package io.aideploy.crypto;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.zip.CRC32;

/** Access token values ({@code aid_} + 32 random base62 chars + 6-char CRC32 checksum). */
public final class TokenValue {
  /** Every token value starts with this, so that secret scanners can recognise leaked ones. */
  public static final String PREFIX = "aid_";

  /** Number of random base62 characters: about 190 bits of entropy. */
  public static final int RANDOM_LENGTH = 32;

  /** Number of base62 characters of the checksum; 62^6 is larger than 2^32. */
  public static final int CHECKSUM_LENGTH = 6;

  /** Total length of a token value. */
  public static final int LENGTH = PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;

  /** Length of {@link #prefix(String)}: enough to tell tokens apart, far too little to guess. */
  public static final int IDENTIFYING_PREFIX_LENGTH = 8;

  private static final String HASH_PREFIX = "sha256:";
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  // SecureRandom is thread-safe; one instance avoids reseeding costs on every token.
  private static final SecureRandom RANDOM = new SecureRandom();

  // A MessageDigest is not thread-safe, and looking one up costs more than hashing a token: the
  // gateway hashes one per request. digest() leaves it reset for the next use.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(TokenValue::newSha256);

  private TokenValue() {}

  /** A new random token value. */
  public static String generate() {
    char[] out = new char[LENGTH];
    PREFIX.getChars(0, PREFIX.length(), out, 0);
    byte[] pool = new byte[RANDOM_LENGTH + 8];
    int filled = 0;
    while (filled < RANDOM_LENGTH) {
      RANDOM.nextBytes(pool);
      for (int i = 0; i < pool.length && filled < RANDOM_LENGTH; i++) {
        // Six random bits are uniform over 0..63; dropping 62 and 63 keeps 0..61 uniform,
        // whereas a modulo would favour the first characters of the alphabet.
        int sixBits = pool[i] & 0x3F;
        if (sixBits < ALPHABET.length) {
          out[PREFIX.length() + filled++] = ALPHABET[sixBits];
        }
      }
    }
    writeChecksum(checksum(CharBuffer.wrap(out)), out, PREFIX.length() + RANDOM_LENGTH);
    return new String(out);
  }

  /**
   * Whether {@code candidate} has the shape of a token value: right length, prefix, alphabet and
   * checksum. Cheap, so that typos and garbage are refused before any lookup. Never throws.
   */
  public static boolean isWellFormed(CharSequence candidate) {
    // The length comes first so that huge inputs cost nothing.
    if (candidate == null || candidate.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (candidate.charAt(i) != PREFIX.charAt(i)) {
        return false;
      }
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      if (digitOf(candidate.charAt(i)) < 0) {
        return false;
      }
    }
    // The checksum's digits, last first, as writeChecksum writes them: no copies (every request).
    long rest = checksum(candidate);
    for (int i = LENGTH - 1; i >= PREFIX.length() + RANDOM_LENGTH; i--) {
      if (candidate.charAt(i) != ALPHABET[(int) (rest % ALPHABET.length)]) {
        return false;
      }
      rest /= ALPHABET.length;
    }
    return true;
  }

  /** The form in which a token value is stored: {@code sha256:} + lowercase hex digest. */
  public static String hash(String value) {
    Objects.requireNonNull(value, "value");
    byte[] digest = SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    // Straight into bytes: the gateway hashes a token per request, and this is its hot path.
    byte[] out = new byte[HASH_PREFIX.length() + 2 * digest.length];
    int at = 0;
    for (; at < HASH_PREFIX.length(); at++) {
      out[at] = (byte) HASH_PREFIX.charAt(at);
    }
    for (byte b : digest) {
      out[at++] = HEX[(b >> 4) & 0xF];
      out[at++] = HEX[b & 0xF];
    }
    return new String(out, StandardCharsets.US_ASCII);
  }

  /**
   * The first {@value #IDENTIFYING_PREFIX_LENGTH} characters after {@code aid_}, which can be shown
   * and logged to tell tokens apart.
   *
   * @throws IllegalArgumentException if {@code value} does not start with {@code aid_} followed by
   *     at least {@value #IDENTIFYING_PREFIX_LENGTH} characters
   */
  public static String prefix(String value) {
    Objects.requireNonNull(value, "value");
    int end = PREFIX.length() + IDENTIFYING_PREFIX_LENGTH;
    if (value.length() < end || !value.startsWith(PREFIX)) {
      // Deliberately vague: whatever was passed may be a secret.
      throw new IllegalArgumentException("not a token value");
    }
    return value.substring(PREFIX.length(), end);
  }

  /**
   * Whether {@link #hash(String) hash(value)} equals {@code expectedHash}, in time that does not
   * depend on where they differ. False if either is null.
   */
  public static boolean matchesHash(String value, String expectedHash) {
    if (value == null || expectedHash == null) {
      return false;
    }
    // A short-circuiting equals would let a caller time how much of a guess is right.
    return MessageDigest.isEqual(
        hash(value).getBytes(StandardCharsets.UTF_8),
        expectedHash.getBytes(StandardCharsets.UTF_8));
  }

  private static long checksum(CharSequence chars) {
    CRC32 crc = new CRC32();
    for (int i = PREFIX.length(); i < PREFIX.length() + RANDOM_LENGTH; i++) {
      // The callers only pass base62 characters, so the char is its own ASCII byte.
      crc.update(chars.charAt(i));
    }
    return crc.getValue();
  }

  private static void writeChecksum(long checksum, char[] out, int offset) {
    long rest = checksum;
    for (int i = offset + CHECKSUM_LENGTH - 1; i >= offset; i--) {
      out[i] = ALPHABET[(int) (rest % ALPHABET.length)];
      rest /= ALPHABET.length;
    }
  }

  private static int digitOf(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 36;
    }
    return -1;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support SHA-256", e);
    }
  }
}
