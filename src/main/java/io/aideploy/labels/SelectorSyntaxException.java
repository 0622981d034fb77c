package io.aideploy.labels;

/**
 * A label selector that the Kubernetes API server would refuse. The message quotes only the
 * selector text and says where and why it is wrong.
 */
public final class SelectorSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int position;

  SelectorSyntaxException(String message, int position) {
    super(message);
    this.position = position;
  }

  /** Index in the selector text (in chars, from 0) of the token that is wrong. */
  public int position() {
    return position;
  }
}
