package io.aideploy.gateway;

/**
 * Which raw request paths the gateway routes at all. A proxy or a URL parser in front may normalise
 * {@code /auth/../login}, {@code //login} or {@code /auth%2F..%2Flogin} into another endpoint than
 * the one the gateway would see; rather than guess which reading the client meant, such paths are
 * refused (400).
 */
final class RequestPaths {
  private RequestPaths() {}

  /**
   * Whether {@code path} (raw, undecoded) has no empty, {@code .} or {@code ..} segment, no
   * backslash, and no percent-encoded dot, slash, backslash or NUL.
   */
  static boolean isPlain(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    int length = path.length();
    for (int i = 0; i < length; i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        return false;
      }
      if (c == '%' && i + 2 < length && encodesSeparator(path.charAt(i + 1), path.charAt(i + 2))) {
        return false;
      }
      if (c == '/' && i + 1 < length) {
        int end = path.indexOf('/', i + 1);
        int segment = (end < 0 ? length : end) - (i + 1);
        boolean dots = segment <= 2 && path.startsWith("..".substring(0, segment), i + 1);
        if (segment == 0 || dots) {
          return false;
        }
      }
    }
    return true;
  }

  /** %2e (.), %2f (/), %5c (\) and %00, in either case. */
  private static boolean encodesSeparator(char high, char low) {
    char l = Character.toLowerCase(low);
    return (high == '2' && (l == 'e' || l == 'f'))
        || (high == '5' && l == 'c')
        || (high == '0' && l == '0');
  }
}
