package io.aideploy.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the gateway's session key from a file or from the environment, never from a flag: a flag's
 * value is visible to every user of the machine in the process list. No message here ever contains
 * the key or any part of the file.
 */
final class SessionKeySource {
  /** Shortest key accepted: HMAC-SHA256 wants at least 256 bits of key. */
  static final int MIN_LENGTH = 32;

  // A key file is a few dozen bytes; anything much larger is the wrong file.
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private SessionKeySource() {}

  /**
   * The session key, or null when neither source is set (the gateway then uses a random key).
   *
   * @param file the {@code --session-key-file} path, blank when not given
   * @param envValue the value of {@code AIDEPLOY_SESSION_KEY}, null or blank when not set
   * @throws IllegalArgumentException with a message for the user (and without the key)
   */
  static String read(String file, String envValue) {
    boolean hasFile = file != null && !file.isBlank();
    boolean hasEnv = envValue != null && !envValue.isBlank();
    if (hasFile && hasEnv) {
      throw new IllegalArgumentException(
          "set either --session-key-file or AIDEPLOY_SESSION_KEY, not both");
    }
    if (!hasFile && !hasEnv) {
      return null;
    }
    String key = hasFile ? readFile(file.trim()) : envValue.trim();
    String origin = hasFile ? "the session key in " + file.trim() : "AIDEPLOY_SESSION_KEY";
    if (key.isEmpty()) {
      throw new IllegalArgumentException(origin + " is empty");
    }
    if (key.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          origin + " must be at least " + MIN_LENGTH + " characters long");
    }
    return key;
  }

  private static String readFile(String file) {
    Path path = Path.of(file);
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            "--session-key-file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      // `echo key > file` and most editors end the file with a newline; it is not part of the key.
      return Files.readString(path).replaceAll("[\r\n]+$", "");
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--session-key-file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("--session-key-file " + file + " is not readable");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("--session-key-file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      // The exception's own message names the path and the reason, never the content.
      throw new IllegalArgumentException(
          "cannot read --session-key-file " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
