package io.aideploy.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
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
 * appends bytes to a buffer of its own (an uncontended lock, no hand-over and no wake-up per line),
 * and one thread writes the buffers out every {@link #FLUSH_MILLIS} ms, or as soon as one holds
 * {@link #EARLY_FLUSH_BYTES}. The writer swaps a full buffer for an empty one and writes it outside
 * the lock, so an event loop waits for a pointer swap, never for a copy or a write; and the writes
 * stay small, so on a busy core they interrupt the event loop briefly rather than rarely and long
 * (which would show in the latency percentiles). Through a logging framework's asynchronous
 * appender the same lines cost about a quarter of the gateway's throughput (docs/benchmarks.md). A
 * buffer that the output cannot drain (a blocked stderr) stops growing at {@link
 * #MAX_BUFFERED_BYTES}: further lines are dropped and counted, since blocking the event loop would
 * stop every app's traffic.
 *
 * <p>The level of the logger {@value #LOGGER} switches it on ({@code info}, the default) or off;
 * lines have the format of the other log lines.
 */
final class AuditLog implements AutoCloseable {
  static final String LOGGER = "io.aideploy.gateway.audit";
  static final long FLUSH_MILLIS = 20;
  static final int EARLY_FLUSH_BYTES = 32 * 1024;
  static final int MAX_BUFFERED_BYTES = 1024 * 1024;

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
      if (buffer.length >= MAX_BUFFERED_BYTES) {
        dropped.incrementAndGet();
        return;
      }
      buffer.appendTimestamp(millis.getAsLong());
      TokenEntry token = decision.token();
      buffer
          .append(" INFO  [audit] route=")
          .append(route.tag())
          .append(" result=")
          .append(decision.outcome().tag())
          .append(" reason=")
          .append(decision.reason().tag())
          .append(" token=");
      if (token == null) {
        buffer.append("-");
      } else {
        buffer.append(token.namespace()).append("/").append(token.name());
      }
      buffer
          .append(" app=")
          .append(decision.appId() == null ? "-" : decision.appId())
          .append(" client=")
          .append(client)
          .append("\n");
      large = buffer.length >= EARLY_FLUSH_BYTES;
    }
    if (large) {
      LockSupport.unpark(flusher);
    }
  }

  /** Lines dropped because the output could not keep up. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Writes every buffered line now. One caller at a time: a swapped-out array is reused by the next
   * swap, so it must have been written by then.
   */
  synchronized void flush() {
    boolean wrote = false;
    for (LineBuffer buffer : buffers) {
      byte[] full;
      int length;
      synchronized (buffer) {
        length = buffer.length;
        if (length == 0) {
          continue;
        }
        full = buffer.swap();
      }
      try {
        // One write per buffer of whole lines: its lines do not interleave with other log lines.
        out.write(full, 0, length);
        wrote = true;
      } catch (IOException e) {
        log.warn("cannot write the audit log: {}", e.getMessage());
      }
    }
    if (wrote) {
      try {
        out.flush();
      } catch (IOException e) {
        log.warn("cannot write the audit log: {}", e.getMessage());
      }
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
    if (!flusher.isAlive()) {
      flush(); // not while a stuck flusher may still be writing from a buffer
    }
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

  /**
   * One thread's pending lines as ASCII bytes, a spare array to swap in when they are written, and
   * the cached "date and time up to the second" prefix.
   */
  private static final class LineBuffer {
    private byte[] bytes = new byte[EARLY_FLUSH_BYTES + 1024];
    private byte[] spare = new byte[EARLY_FLUSH_BYTES + 1024];
    int length;
    private long second = Long.MIN_VALUE;
    private String secondPrefix = "";

    /** Appends {@code text}; every field is ASCII by construction, anything else becomes '?'. */
    LineBuffer append(String text) {
      int size = text.length();
      if (length + size > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + size));
      }
      for (int i = 0; i < size; i++) {
        char c = text.charAt(i);
        bytes[length++] = c < 0x80 ? (byte) c : (byte) '?';
      }
      return this;
    }

    /** Hands out the filled array and continues in the spare one (after its writer is done). */
    byte[] swap() {
      byte[] full = bytes;
      bytes = spare;
      spare = full;
      length = 0;
      return full;
    }

    void appendTimestamp(long epochMillis) {
      long now = Math.floorDiv(epochMillis, 1000);
      if (now != second) {
        second = now;
        secondPrefix = SECONDS.format(Instant.ofEpochSecond(now));
      }
      int millisOfSecond = (int) Math.floorMod(epochMillis, 1000);
      append(secondPrefix);
      ensure(3);
      bytes[length++] = (byte) ('0' + millisOfSecond / 100);
      bytes[length++] = (byte) ('0' + millisOfSecond / 10 % 10);
      bytes[length++] = (byte) ('0' + millisOfSecond % 10);
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
    }
  }
}
