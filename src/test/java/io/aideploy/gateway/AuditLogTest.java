package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Role;
import io.aideploy.labels.Selector;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private static final long MILLIS = 1_796_212_181_007L; // some day in 2026, 7 ms past a second
  private static final TokenEntry TOKEN =
      new TokenEntry(
          "team-a",
          "reader",
          "uid-reader",
          Role.Reader,
          Selector.everything(),
          null,
          true,
          "h",
          null,
          null,
          null,
          null);
  private static final Decision ALLOWED =
      new Decision(Outcome.ALLOW, Reason.TOKEN_OK, TOKEN, "0f0e0d0c-0000-4000-8000-000000000001");
  private static final Pattern LINE =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,007 INFO  \\[audit] route=auth result=allow"
              + " reason=token_ok token=team-a/reader app=0f0e0d0c-0000-4000-8000-000000000001"
              + " client=10\\.0\\.0\\.1");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void writesOneLineInTheLogFormatPerDecision() {
    try (AuditLog audit = new AuditLog(true, out, () -> MILLIS)) {
      audit.record(GatewayMetrics.Route.AUTH, ALLOWED, "10.0.0.1");
      audit.record(
          GatewayMetrics.Route.API,
          Decision.of(Outcome.UNAUTHENTICATED, Reason.NO_TOKEN, null),
          "10.0.0.2");
      audit.flush();
      assertThat(lines())
          .hasSize(2)
          .satisfies(lines -> assertThat(lines.get(0)).matches(LINE))
          .satisfies(
              lines ->
                  assertThat(lines.get(1))
                      .endsWith(
                          " INFO  [audit] route=api result=unauthenticated reason=no_token"
                              + " token=- app=- client=10.0.0.2"));
    }
  }

  @Test
  void linesFromManyThreadsArriveWholeWithoutAnExplicitFlush() throws Exception {
    int threads = 4;
    int perThread = 5_000; // fewer bytes than one buffer holds: none may be dropped
    try (AuditLog audit = new AuditLog(true, out, () -> MILLIS)) {
      List<Thread> writers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Thread writer =
            new Thread(
                () -> {
                  for (int n = 0; n < perThread; n++) {
                    audit.record(GatewayMetrics.Route.AUTH, ALLOWED, "10.0.0.1");
                  }
                });
        writer.start();
        writers.add(writer);
      }
      for (Thread writer : writers) {
        writer.join();
      }
      // The flusher thread writes them within its interval.
      await().atMost(Duration.ofSeconds(5)).until(() -> lines().size() == threads * perThread);
      assertThat(lines()).allMatch(line -> LINE.matcher(line).matches());
      assertThat(audit.dropped()).isZero();
    }
  }

  @Test
  void aStuckOutputDropsAndCountsLinesInsteadOfBlockingTheCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] bytes, int offset, int length) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (AuditLog audit = new AuditLog(true, stuck, () -> MILLIS)) {
      int lines = 2 * AuditLog.MAX_BUFFERED_BYTES / 100; // each line is longer than 100 bytes
      for (int n = 0; n < lines; n++) {
        audit.record(GatewayMetrics.Route.AUTH, ALLOWED, "10.0.0.1");
      }
      assertThat(audit.dropped()).isPositive();
      release.countDown();
    }
  }

  @Test
  void offWritesNothing() {
    try (AuditLog audit = new AuditLog(false, out, () -> MILLIS)) {
      audit.record(GatewayMetrics.Route.AUTH, ALLOWED, "10.0.0.1");
      audit.flush();
    }
    assertThat(out.size()).isZero();
  }

  private List<String> lines() {
    String text = out.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
