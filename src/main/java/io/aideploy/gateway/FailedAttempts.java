package io.aideploy.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed-attempt rate limiting per client: after {@code limit} refused credentials within a fixed
 * one-minute window, the client gets 429 until the window ends. Only refused credentials count (an
 * absent token is a browser that has not signed in yet, not a guess).
 *
 * <p>A client is an IPv4 address or an IPv6 /64 ({@link IpAddresses#bucket}): callers pass the full
 * address (the audit log wants it), the grouping happens here.
 *
 * <p>The table holds at most {@code maxClients} clients. It is a {@link LinkedHashMap} in access
 * order, so when it is full the client touched least recently is dropped in O(1); nothing ever
 * scans the table, since this runs on the event loop. Windows that have ended are dropped when
 * their client is next looked up, and otherwise age out through that eviction. A flood of fresh
 * addresses can therefore push out an old entry, but every address it uses is counted meanwhile.
 */
final class FailedAttempts {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private static final class Window {
    final long startMillis;
    int failures;

    Window(long startMillis) {
      this.startMillis = startMillis;
    }
  }

  private final int limit;
  private final long windowMillis = WINDOW.toMillis();
  private final Clock clock;
  // Guarded by itself: an access-ordered LinkedHashMap changes even on get().
  private final Map<String, Window> windows;

  FailedAttempts(int limit, int maxClients, Clock clock) {
    this.limit = limit;
    this.clock = clock;
    this.windows =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > maxClients;
          }
        };
  }

  /** Seconds until {@code client} may try again, or 0 when it is not blocked. */
  long retryAfterSeconds(String client) {
    String key = IpAddresses.bucket(client);
    long now = clock.millis();
    synchronized (windows) {
      Window window = live(key, now);
      if (window == null || window.failures < limit) {
        return 0;
      }
      long remaining = window.startMillis + windowMillis - now;
      return Math.max(1, (remaining + 999) / 1000);
    }
  }

  void recordFailure(String client) {
    String key = IpAddresses.bucket(client);
    long now = clock.millis();
    synchronized (windows) {
      Window window = live(key, now);
      if (window == null) {
        window = new Window(now);
        windows.put(key, window); // evicts the eldest entry when the table is full
      }
      window.failures++;
    }
  }

  int size() {
    synchronized (windows) {
      return windows.size();
    }
  }

  /** The window of {@code key} if it has not ended; an ended one is dropped. Holds the lock. */
  private Window live(String key, long now) {
    Window window = windows.get(key);
    if (window != null && window.startMillis + windowMillis <= now) {
      windows.remove(key);
      return null;
    }
    return window;
  }
}
