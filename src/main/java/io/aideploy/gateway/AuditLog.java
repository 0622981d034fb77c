package io.aideploy.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per access decision: token name, app, result and reason. Everything in it is either ours
 * (enums) or validated (namespace/name from the index, ids matching the uid pattern, IP literals),
 * so a request cannot forge log lines, and a token value is never among it.
 *
 * <p>A line per request is tens of thousands of lines a second, so this log is written the way
 * nginx writes its access log with {@code buffer=} and {@code flush=}: each event-loop thread
 * appends to a buffer of its own (an uncontended lock, no hand-over and no wake-up per line), and
 * one thread writes all buffers out every {@link #FLUSH_MILLIS} ms, or sooner once one is large.
 * Through a logging framework's asynchronous appender the same lines cost about a quarter of the
 * gateway's throughput (docs/benchmarks.md). A buffer that the output cannot drain (a blocked
 * stderr) stops growing at {@link #MAX_BUFFERED_CHARS}: further lines are dropped and counted,
 * since blocking the event loop would stop every app's traffic.
 *
 * <p>The level of the logger {@value #LOGGER} switches it on ({@code info}, the default) or off;
 * lines have the format of the other log lines.
 */
final class AuditLog implements AutoCloseable {
  static final String LOGGER = "io.aideploy.gateway.audit";
  static final long FLUSH_MILLIS = 100;
  static final int EARLY_FLUSH_CHARS = 64 * 1024;
  static final int MAX_BUFFERED_CHARS = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,").withZone(ZoneId.systemDefault());

  private final boolean enabled;
  private final OutputStream out;
  private final LongSupplier millis;
  private final List<LineBuffer> buffers = new CopyOnWriteArrayList<>();
  private final ThreadLocal<LineBuffer> threadBuffer = ThreadLocal.withInitial(this::newBuffer);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread flusher;
  private volatile boolean closed;

  /** The audit log on stderr, on when the logger {@value #LOGGER} is at info or finer. */
  static AuditLog toStderr() {
    return new AuditLog(
        LoggerFactory.getLogger(LOGGER).isInfoEnabled(), System.err, System::currentTimeMillis);
  }

  AuditLog(boolean enabled, OutputStream out, LongSupplier millis) {
    this.enabled = enabled;
    this.out = out;
    this.millis = millis;
    this.flusher = new Thread(this::flushPeriodically, "aideploy-audit");
    flusher.setDaemon(true);
    if (enabled) {
      flusher.start();
    }
  }

  void record(GatewayMetrics.Route route, Decision decision, String client) {
    if (!enabled) {
      return;
    }
    LineBuffer buffer = threadBuffer.get();
    boolean large;
    synchronized (buffer) {
      StringBuilder line = buffer.text;
      if (line.length() >= MAX_BUFFERED_CHARS) {
        dropped.incrementAndGet();
        return;
      }
      buffer.appendTimestamp(millis.getAsLong());
      TokenEntry token = decision.token();
      line.append(" INFO  [audit] route=")
          .append(route.tag())
          .append(" result=")
          .append(decision.outcome().tag())
          .append(" reason=")
          .append(decision.reason().tag())
          .append(" token=")
          .append(token == null ? "-" : token.key())
          .append(" app=")
          .append(decision.appId() == null ? "-" : decision.appId())
          .append(" client=")
          .append(client)
          .append('\n');
      large = line.length() >= EARLY_FLUSH_CHARS;
    }
    if (large) {
      LockSupport.unpark(flusher);
    }
  }

  /** Lines dropped because the output could not keep up. */
  long dropped() {
    return dropped.get();
  }

  /** Writes every buffered line now. */
  void flush() {
    StringBuilder batch = new StringBuilder();
    for (LineBuffer buffer : buffers) {
      synchronized (buffer) {
        batch.append(buffer.text);
        buffer.text.setLength(0);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      // One write for the whole batch: its lines do not interleave with other log lines.
      out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      log.warn("cannot write the audit log: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(flusher);
    try {
      flusher.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }

  private void flushPeriodically() {
    long reportedDrops = 0;
    while (!closed) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS));
      flush();
      long drops = dropped.get();
      if (drops != reportedDrops) {
        log.warn("audit log output too slow: {} lines dropped so far", drops);
        reportedDrops = drops;
      }
    }
  }

  private LineBuffer newBuffer() {
    LineBuffer buffer = new LineBuffer();
    buffers.add(buffer);
    return buffer;
  }

  /** One thread's pending lines, and its cached "date and time up to the second" prefix. */
  private static final class LineBuffer {
    final StringBuilder text = new StringBuilder(EARLY_FLUSH_CHARS + 1024);
    long second = Long.MIN_VALUE;
    String secondPrefix = "";

    void appendTimestamp(long epochMillis) {
      long now = Math.floorDiv(epochMillis, 1000);
      if (now != second) {
        second = now;
        secondPrefix = SECONDS.format(Instant.ofEpochSecond(now));
      }
      int millisOfSecond = (int) Math.floorMod(epochMillis, 1000);
      text.append(secondPrefix);
      if (millisOfSecond < 100) {
        text.append('0');
      }
      if (millisOfSecond < 10) {
        text.append('0');
      }
      text.append(millisOfSecond);
    }
  }
}
