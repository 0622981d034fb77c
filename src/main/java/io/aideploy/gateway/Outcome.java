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
  // An allowed request goes on to the app; the answer's body is never shown to anyone. Empty, so
  // that nginx, which reads only the head of an auth_request answer, can keep the connection to
  // the gateway open (auth-keepalive): it closes any connection whose answer has a body left.
  private final String body;

  Outcome(int status) {
    this.status = status;
    this.body = status == 200 ? "" : tag + "\n";
  }

  String tag() {
    return tag;
  }

  /** The plain-text body of an {@code /auth} answer: the tag on a line, nothing when allowed. */
  String body() {
    return body;
  }
}
