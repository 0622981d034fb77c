package io.aideploy.testing.faults;

import io.aideploy.testing.faults.GroundTruth.Probe;
import io.aideploy.testing.faults.GroundTruth.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The load generator: {@code threads} loops, each sending {@code /auth?app=<uid>} with a bearer
 * value the {@link GroundTruth} picks, then pausing {@code pause}; every answer is judged and
 * counted in the {@link Tally}. The gateway's port is asked for on every request, so that a
 * restarted gateway on another port is followed.
 */
public final class AuthLoad implements AutoCloseable {
  private final GroundTruth truth;
  private final Tally tally;
  private final Supplier<List<String>> tokens;
  private final IntSupplier port;
  private final Duration pause;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  private AuthLoad(
      GroundTruth truth,
      Tally tally,
      Supplier<List<String>> tokens,
      IntSupplier port,
      Duration pause) {
    this.truth = truth;
    this.tally = tally;
    this.tokens = tokens;
    this.port = port;
    this.pause = pause;
  }

  /** Starts {@code threads} request loops against the gateway on {@code port}. */
  public static AuthLoad start(
      GroundTruth truth,
      Tally tally,
      Supplier<List<String>> tokens,
      IntSupplier port,
      int threads,
      Duration pause) {
    AuthLoad load = new AuthLoad(truth, tally, tokens, port, pause);
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(load::loop, "auth-load-" + i);
      thread.setDaemon(true);
      load.threads.add(thread);
      thread.start();
    }
    return load;
  }

  private void loop() {
    while (running) {
      Probe probe = truth.sample(tokens.get());
      if (probe == null) {
        sleep(Duration.ofMillis(50));
        continue;
      }
      long sentAt = System.nanoTime();
      Instant sentWall = Instant.now();
      HttpResponse<Void> response = send(probe);
      int status = response == null ? -1 : response.statusCode();
      long answeredAt = System.nanoTime();
      Instant answeredWall = Instant.now();
      Verdict verdict = truth.judge(probe, sentAt, sentWall, answeredAt, answeredWall, status);
      String detail =
          verdict == Verdict.WRONG_ALLOW
              ? truth.explain(probe, sentAt, sentWall)
                  + "; the gateway named the token "
                  + response.headers().firstValue("X-Aideploy-Token").orElse("(none)")
              : null;
      tally.record(probe, verdict, sentAt, answeredAt, detail);
      sleep(verdict == Verdict.NO_ANSWER ? Duration.ofMillis(50) : pause);
    }
  }

  /** The answer, or null when none came. */
  private HttpResponse<Void> send(Probe probe) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port.getAsInt() + "/auth?app=" + probe.appUid()))
            .header("Authorization", "Bearer " + probe.value())
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every loop and waits for the requests in flight. */
  @Override
  public void close() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
