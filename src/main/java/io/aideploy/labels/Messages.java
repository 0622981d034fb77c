package io.aideploy.labels;

/** Quoting of selector text in error messages. */
final class Messages {
  // A selector may be huge or hostile: messages end up in logs and in resource status.
  private static final int MAX_QUOTED = 200;

  private Messages() {}

  /**
   * {@code text} with control, non-ASCII, quote and backslash chars escaped, so that it cannot
   * forge log lines or hide characters, and cut after {@value #MAX_QUOTED} chars.
   */
  static String quote(String text) {
    int length = Math.min(text.length(), MAX_QUOTED);
    StringBuilder out = new StringBuilder(length + 8);
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '\'' || c == '"') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (text.length() > MAX_QUOTED) {
      out.append("...");
    }
    return out.toString();
  }
}
