package io.aideploy.cli;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * A spinner line on stderr while the CLI waits for the operator, only when a person is watching (a
 * terminal): in scripts and logs it would be noise of carriage returns.
 */
final class Progress implements AutoCloseable {
  private static final String FRAMES = "|/-\\";

  private final Thread thread;
  private final PrintWriter err;

  private Progress(Thread thread, PrintWriter err) {
    this.thread = thread;
    this.err = err;
  }

  /** Starts the spinner with {@code message}, or does nothing when stderr is not a terminal. */
  static Progress start(PrintWriter err, String message) {
    if (System.console() == null) {
      return new Progress(null, err);
    }
    long started = System.nanoTime();
    Thread thread =
        new Thread(
            () -> {
              int frame = 0;
              while (!Thread.currentThread().isInterrupted()) {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                err.print(
                    "\r"
                        + FRAMES.charAt(frame++ % FRAMES.length())
                        + " "
                        + message
                        + " "
                        + seconds
                        + "s");
                err.flush();
                try {
                  Thread.sleep(120);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "progress");
    thread.setDaemon(true);
    thread.start();
    return new Progress(thread, err);
  }

  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Clear the line so the next output starts clean.
    err.print("\r\033[K");
    err.flush();
  }
}
