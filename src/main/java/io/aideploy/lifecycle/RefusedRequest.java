package io.aideploy.lifecycle;

/**
 * A lifecycle request refused before anything is written: the HTTP status the gateway answers (400
 * for a body that is not the documented JSON, 422 for one that asks what a token may not) and a
 * message that says what to change.
 */
public final class RefusedRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public RefusedRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
