package io.aideploy.gateway;

import java.util.Locale;

/** The HTTP answer of a decision. A small fixed set, so it can be a metric tag. */
enum Outcome {
  ALLOW(200),
  BAD_REQUEST(400),
  UNAUTHENTICATED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  RATE_LIMITED(429),
  UNAVAILABLE(503);

  final int status;
  private final String tag = name().toLowerCase(Locale.ROOT);
  private final String body = tag + "\n";

  Outcome(int status) {
    this.status = status;
  }

  String tag() {
    return tag;
  }

  /** The plain-text body of an {@code /auth} answer: the tag on a line. */
  String body() {
    return body;
  }
}
