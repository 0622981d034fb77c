package io.aideploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Reads a token from a file or standard input. No message here ever shows the token. */
final class TokenFile {
  // Tokens are a few dozen characters; a bigger input is the wrong file, not a token.
  private static final int MAX_BYTES = 4096;

  private TokenFile() {}

  /**
   * The token in {@code path} ({@code -}: standard input), without surrounding whitespace.
   *
   * @throws CliException a usage error when it cannot be read or is empty
   */
  static String read(String path, Supplier<InputStream> stdin) {
    String name = path.equals("-") ? "standard input" : path;
    byte[] bytes;
    try (InputStream in = path.equals("-") ? stdin.get() : Files.newInputStream(Path.of(path))) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw CliException.usage("--token-file " + name + " does not exist");
    } catch (AccessDeniedException e) {
      throw CliException.usage("--token-file " + name + " is not readable");
    } catch (IOException e) {
      throw CliException.usage(
          "cannot read --token-file " + name + " (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_BYTES) {
      throw CliException.usage("--token-file " + name + " is too large to hold a token");
    }
    // `echo aid_… > file` ends with a newline; no token contains whitespace.
    String token = new String(bytes, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw CliException.usage("--token-file " + name + " is empty");
    }
    return token;
  }
}
