package io.aideploy.app.dependent;

/** A child's name is taken by an object that aideploy does not manage. */
public class ChildConflictException extends RuntimeException {
  public ChildConflictException(String message) {
    super(message);
  }
}
