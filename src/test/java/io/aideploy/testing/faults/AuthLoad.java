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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The load generator: {@code threads} loops, each sending {@code /auth?app=<uid>} with a bearer
 * value the {@link GroundTruth} picks, then pausing {@code pause}; every answer is judged and
 * counted in the {@link Tally}.
 *
 * <p>An answer is judged {@link #JUDGE_DELAY} after it came, in the order answers came: a change
 * accepted before a request was sent may still be on its way to the checker when the answer arrives
 * (the churn's write not yet answered, the next list not yet made), and judging at once would count
 * the gateway's being right as a wrong allow or deny. (The first runs did: a label move that
 * brought an app into a token's scope, seen by the gateway a few milliseconds before the churn's
 * own write was answered.)
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
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final Thread judge = new Thread(this::judgeLoop, "auth-load-judge");
  private volatile boolean running = true;

  /** Longer than the churn's request timeout plus a list of the {@link ClusterPoller}. */
  static final Duration JUDGE_DELAY = Duration.ofSeconds(4);

  /** An answer waiting for its verdict; {@code gatewayNamed} is the token the gateway named. */
  private record Answer(
      Probe probe,
      long sentAt,
      Instant sentWall,
      long answeredAt,
      Instant answeredWall,
      int status,
      String gatewayNamed) {}

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
    load.judge.setDaemon(true);
    load.judge.start();
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
      String named =
          response == null
              ? null
              : response.headers().firstValue("X-Aideploy-Token").orElse("(none)");
      answers.add(new Answer(probe, sentAt, sentWall, answeredAt, answeredWall, status, named));
      sleep(response == null ? Duration.ofMillis(50) : pause);
    }
  }

  /** Judges each answer once it is {@link #JUDGE_DELAY} old; after close, until none is left. */
  private void judgeLoop() {
    while (running || !answers.isEmpty()) {
      Answer answer = answers.peek();
      if (answer == null) {
        sleep(Duration.ofMillis(50));
        continue;
      }
      long due = answer.answeredAt() + JUDGE_DELAY.toNanos() - System.nanoTime();
      if (due > 0) {
        sleep(Duration.ofNanos(Math.min(due, 50_000_000)));
        continue;
      }
      answers.poll();
      Verdict verdict =
          truth.judge(
              answer.probe(),
              answer.sentAt(),
              answer.sentWall(),
              answer.answeredAt(),
              answer.answeredWall(),
              answer.status());
      String detail =
          verdict == Verdict.WRONG_ALLOW
              ? truth.explain(answer.probe(), answer.sentAt(), answer.sentWall())
                  + "; the gateway named the token "
                  + answer.gatewayNamed()
              : null;
      tally.record(answer.probe(), verdict, answer.sentAt(), answer.answeredAt(), detail);
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
      Thread.sleep(Math.max(1, duration.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every loop, waits for the requests in flight and judges every answer. */
  @Override
  public void close() {
    running = false;
    List<Thread> all = new ArrayList<>(threads);
    all.add(judge);
    for (Thread thread : all) {
      try {
        thread.join(JUDGE_DELAY.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
