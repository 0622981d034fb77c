package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedFreshReadsTest {
  private final SharedFreshReads<String> reads = new SharedFreshReads<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final AtomicInteger started = new AtomicInteger();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  /** A read that answers "read N" once {@code release} is completed, N counting reads begun. */
  private Supplier<List<String>> readHeldUntil(
      CompletableFuture<Void> release, CountDownLatch begun) {
    return () -> {
      int n = started.incrementAndGet();
      begun.countDown();
      release.join();
      return List.of("read " + n);
    };
  }

  @Test
  void aCallerArrivingDuringAReadWaitsForTheNextOneWhichServesEveryoneWhoWaited() throws Exception {
    CompletableFuture<Void> firstHeld = new CompletableFuture<>();
    CountDownLatch firstBegun = new CountDownLatch(1);
    Future<List<String>> first =
        callers.submit(() -> reads.get("ns", readHeldUntil(firstHeld, firstBegun)));
    assertThat(firstBegun.await(10, TimeUnit.SECONDS)).isTrue();

    // Asked while the first read is under way: its answer may predate them.
    CompletableFuture<Void> secondHeld = new CompletableFuture<>();
    CountDownLatch secondBegun = new CountDownLatch(1);
    List<Future<List<String>>> later = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      later.add(callers.submit(() -> reads.get("ns", readHeldUntil(secondHeld, secondBegun))));
    }
    awaitWaiting(5);
    firstHeld.complete(null);
    assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly("read 1");

    assertThat(secondBegun.await(10, TimeUnit.SECONDS)).isTrue();
    secondHeld.complete(null);
    for (Future<List<String>> f : later) {
      assertThat(f.get(10, TimeUnit.SECONDS)).containsExactly("read 2");
    }
    assertThat(started).hasValue(2);
  }

  @Test
  void aFailedReadFailsItsCallerAndTheWaitersReadAgain() throws Exception {
    CompletableFuture<Void> held = new CompletableFuture<>();
    CountDownLatch begun = new CountDownLatch(1);
    Future<List<String>> failing =
        callers.submit(
            () ->
                reads.get(
                    "ns",
                    () -> {
                      started.incrementAndGet();
                      begun.countDown();
                      held.join();
                      throw new IllegalStateException("timeout");
                    }));
    assertThat(begun.await(10, TimeUnit.SECONDS)).isTrue();
    Future<List<String>> waiter = callers.submit(() -> reads.get("ns", () -> List.of("again")));
    awaitWaiting(1);
    held.complete(null);

    assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasMessageContaining("timeout");
    assertThat(waiter.get(10, TimeUnit.SECONDS)).containsExactly("again");
  }

  @Test
  void keysDoNotShareReadsAndASecondCallReadsAgain() {
    assertThat(reads.get("a", () -> List.of("a1"))).containsExactly("a1");
    assertThat(reads.get("b", () -> List.of("b1"))).containsExactly("b1");
    assertThat(reads.get("a", () -> List.of("a2"))).containsExactly("a2");
  }

  /** Until {@code n} callers besides the reader are blocked in get (waiting on the read). */
  private void awaitWaiting(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waitingThreads() < n) {
      assertThat(System.nanoTime()).as("callers waiting").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private long waitingThreads() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getState() == Thread.State.WAITING)
        .filter(
            e ->
                java.util.Arrays.stream(e.getValue())
                    .anyMatch(f -> f.getMethodName().equals("awaitUninterruptibly")))
        .count();
  }
}
