package io.aideploy.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed-attempt rate limiting per client address: after {@code limit} refused credentials within a
 * fixed one-minute window, the address gets 429 until the window ends. Only refused credentials
 * count (an absent token is a browser that has not signed in yet, not a guess). The table is
 * bounded, so a flood of addresses costs memory only up to {@code maxClients}.
 */
final class FailedAttempts {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private record Window(long startMillis, int failures) {}

  private final int limit;
  private final int maxClients;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  FailedAttempts(int limit, int maxClients, Clock clock) {
    this.limit = limit;
    this.maxClients = maxClients;
    this.clock = clock;
  }

  /** Seconds until {@code client} may try again, or 0 when it is not blocked. */
  long retryAfterSeconds(String client) {
    Window window = windows.get(client);
    if (window == null || window.failures() < limit) {
      return 0;
    }
    long remaining = window.startMillis() + WINDOW.toMillis() - clock.millis();
    return remaining <= 0 ? 0 : Math.max(1, (remaining + 999) / 1000);
  }

  void recordFailure(String client) {
    long now = clock.millis();
    if (windows.size() >= maxClients && !windows.containsKey(client)) {
      windows.values().removeIf(w -> w.startMillis() + WINDOW.toMillis() <= now);
      if (windows.size() >= maxClients) {
        return; // full of live entries: stop tracking new addresses rather than grow
      }
    }
    windows.compute(
        client,
        (key, window) ->
            window == null || window.startMillis() + WINDOW.toMillis() <= now
                ? new Window(now, 1)
                : new Window(window.startMillis(), window.failures() + 1));
  }

  int size() {
    return windows.size();
  }
}
