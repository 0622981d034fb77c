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

  /** Whether this answer counts as a failed guess for rate limiting: a credential was refused. */
  boolean isFailedAttempt() {
    return switch (reason) {
      case MALFORMED_TOKEN, UNKNOWN_TOKEN, INVALID_SESSION -> true;
      default -> false;
    };
  }
}
