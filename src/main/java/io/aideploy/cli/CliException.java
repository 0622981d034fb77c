package io.aideploy.cli;

/**
 * An expected failure of a CLI command: one line saying what is wrong and what to do, and the exit
 * code that tells scripts what kind of failure it was. Printed without a stack trace.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The app, token or namespace asked for does not exist (or the token cannot see it). */
  public static final int NOT_FOUND = 1;

  /** The command line is wrong: picocli's own code for usage errors. */
  public static final int USAGE = 2;

  /** The cluster or the gateway refused the credentials or the action. */
  public static final int REFUSED = 3;

  /** The cluster or gateway could not be reached, or did not answer in time. */
  public static final int UNAVAILABLE = 4;

  /** Anything else the server reported (a conflict, an invalid token spec, …). */
  public static final int FAILED = 5;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  static CliException notFound(String message) {
    return new CliException(NOT_FOUND, message);
  }

  static CliException usage(String message) {
    return new CliException(USAGE, message);
  }

  static CliException refused(String message) {
    return new CliException(REFUSED, message);
  }

  static CliException unavailable(String message) {
    return new CliException(UNAVAILABLE, message);
  }

  static CliException failed(String message) {
    return new CliException(FAILED, message);
  }
}
