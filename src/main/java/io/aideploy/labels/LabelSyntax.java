package io.aideploy.labels;

/**
 * The API server's rules for label keys and values (apimachinery {@code content.IsLabelKey} and
 * {@code content.IsLabelValue}), written out by hand: the parser runs on untrusted input and a
 * hand-written check cannot backtrack.
 */
final class LabelSyntax {
  static final int NAME_MAX_LENGTH = 63;
  static final int PREFIX_MAX_LENGTH = 253;
  static final int VALUE_MAX_LENGTH = 63;

  private static final String NAME_RULE =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";

  private LabelSyntax() {}

  /** Why {@code key} is not a valid label key, or null if it is one. */
  static String keyProblem(String key) {
    int slash = key.indexOf('/');
    String name = key;
    if (slash >= 0) {
      if (key.indexOf('/', slash + 1) >= 0) {
        return "a key is a name with an optional DNS subdomain prefix and one '/'"
            + " (e.g. 'example.com/MyName')";
      }
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        return "prefix part must be non-empty";
      }
      if (prefix.length() > PREFIX_MAX_LENGTH) {
        return "prefix part must be no more than " + PREFIX_MAX_LENGTH + " characters";
      }
      if (!isDns1123Subdomain(prefix)) {
        return "prefix part must be a lowercase RFC 1123 subdomain: lower case alphanumeric"
            + " characters, '-' or '.', starting and ending with an alphanumeric character"
            + " (e.g. 'example.com')";
      }
    }
    if (name.isEmpty()) {
      return "name part must be non-empty";
    }
    if (name.length() > NAME_MAX_LENGTH) {
      return "name part must be no more than " + NAME_MAX_LENGTH + " characters";
    }
    if (!isName(name)) {
      return "name part " + NAME_RULE;
    }
    return null;
  }

  /** Why {@code value} is not a valid label value, or null if it is one. */
  static String valueProblem(String value) {
    if (value.length() > VALUE_MAX_LENGTH) {
      return "must be no more than " + VALUE_MAX_LENGTH + " characters";
    }
    if (!value.isEmpty() && !isName(value)) {
      return "must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and"
          + " end with an alphanumeric character";
    }
    return null;
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}. */
  private static boolean isName(String s) {
    int last = s.length() - 1;
    if (last < 0 || !isAlphanumeric(s.charAt(0)) || !isAlphanumeric(s.charAt(last))) {
      return false;
    }
    for (int i = 1; i < last; i++) {
      char c = s.charAt(i);
      if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}. */
  private static boolean isDns1123Subdomain(String s) {
    int start = 0;
    while (true) {
      int dot = s.indexOf('.', start);
      int end = dot < 0 ? s.length() : dot;
      if (!isDns1123Label(s, start, end)) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  private static boolean isDns1123Label(String s, int start, int end) {
    if (end <= start
        || !isLowerAlphanumeric(s.charAt(start))
        || !isLowerAlphanumeric(s.charAt(end - 1))) {
      return false;
    }
    for (int i = start + 1; i < end - 1; i++) {
      char c = s.charAt(i);
      if (!isLowerAlphanumeric(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isLowerAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /**
   * Whether Go's {@code strconv.ParseInt(s, 10, 64)} accepts {@code s}: an optional sign and ASCII
   * digits within the range of a long. ({@link Long#parseLong} alone would also take non-ASCII
   * digits.)
   */
  static boolean isInt64(String s) {
    int length = s.length();
    int i = 0;
    boolean negative = false;
    if (length > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (i == length) {
      return false;
    }
    // Accumulate negatively, as Long.MIN_VALUE has no positive counterpart.
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long result = 0;
    for (; i < length; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      int digit = c - '0';
      if (result < limit / 10) {
        return false;
      }
      result *= 10;
      if (result < limit + digit) {
        return false;
      }
      result -= digit;
    }
    return true;
  }
}
