package io.aideploy.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's Prometheus metrics. Tags are the route, outcome and reason only — fixed enums —
 * never a token, app or client, so the series count stays bounded.
 */
final class GatewayMetrics {
  private final MeterRegistry registry;
  private final Map<Route, Map<Reason, Map<Outcome, Counter>>> counters =
      new EnumMap<>(Route.class);
  private final Timer latency;
  private final Counter connections;

  /** Which endpoint decided. */
  enum Route {
    AUTH,
    /** The gRPC ext_authz port: the same checks as AUTH, counted apart. */
    GRPC,
    LOGIN,
    API;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** Its name in metrics and audit lines; computed once, as this is asked on every request. */
    String tag() {
      return tag;
    }
  }

  GatewayMetrics(
      MeterRegistry registry, AccessIndex index, FailedAttempts failures, AuditLog audit) {
    this.registry = registry;
    this.latency =
        Timer.builder("aideploy.gateway.decision.duration")
            .description(
                "Time to decide an external-auth check (HTTP or gRPC), from the first byte to the answer")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofMillis(100))
            .register(registry);
    this.connections =
        Counter.builder("aideploy.gateway.connections")
            .description(
                "HTTP connections accepted; far fewer than decisions when the proxy keeps them open")
            .register(registry);
    for (Route route : Route.values()) {
      Map<Reason, Map<Outcome, Counter>> byReason = new EnumMap<>(Reason.class);
      for (Reason reason : Reason.values()) {
        byReason.put(reason, new EnumMap<>(Outcome.class));
      }
      counters.put(route, byReason);
    }
    Gauge.builder("aideploy.gateway.cache.apps", index, AccessIndex::appCount)
        .description("AiApps in the gateway's access index")
        .register(registry);
    Gauge.builder("aideploy.gateway.cache.tokens", index, AccessIndex::tokenCount)
        .description("AiTokens with a published hash in the gateway's access index")
        .register(registry);
    Gauge.builder("aideploy.gateway.ratelimit.clients", failures, FailedAttempts::size)
        .description("Client addresses with recent failed attempts")
        .register(registry);
    FunctionCounter.builder("aideploy.gateway.audit.dropped", audit, AuditLog::dropped)
        .description("Audit lines dropped because the log output could not keep up")
        .register(registry);
  }

  void connectionAccepted() {
    connections.increment();
  }

  void record(Route route, Decision decision, long startNanos) {
    Map<Outcome, Counter> byOutcome = counters.get(route).get(decision.reason());
    Counter counter = byOutcome.get(decision.outcome());
    if (counter == null) {
      // Registered on first use only, so that impossible combinations do not show up as zeros.
      synchronized (byOutcome) {
        counter =
            byOutcome.computeIfAbsent(
                decision.outcome(),
                outcome ->
                    Counter.builder("aideploy.gateway.decisions")
                        .description("Access decisions by route, result and reason")
                        .tag("route", route.tag())
                        .tag("result", outcome.tag())
                        .tag("reason", decision.reason().tag())
                        .register(registry));
      }
    }
    counter.increment();
    if (route == Route.AUTH || route == Route.GRPC) {
      latency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }
}
