package io.aideploy.gateway;

/**
 * The answer to one access question.
 *
 * @param token the token that was presented and recognised; null otherwise
 * @param appId the app asked about, when it was well-formed; null otherwise
 */
record Decision(Outcome outcome, Reason reason, TokenEntry token, String appId) {
  static Decision of(Outcome outcome, Reason reason, String appId) {
    return new Decision(outcome, reason, null, appId);
  }

  boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  /**
   * Whether this answer counts as a failed guess for rate limiting: a token value was refused.
   * Session cookies do not count: an HMAC cannot be guessed, and after a key change or a
   * regeneration every page of a signed-in browser would otherwise turn into a 429.
   */
  boolean isFailedAttempt() {
    return switch (reason) {
      case MALFORMED_TOKEN, UNKNOWN_TOKEN -> true;
      default -> false;
    };
  }
}
