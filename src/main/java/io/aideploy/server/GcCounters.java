package io.aideploy.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Collections and time spent collecting, per garbage collector, read from the collector beans when
 * metrics are scraped. Micrometer's JvmGcMetrics instead listens to a notification per collection,
 * which the JVM's notification thread builds and delivers on every young GC: on a gateway pinned to
 * one core that thread took the core for up to 11 ms at a time (perf sched), the longest stall of
 * the event loop.
 */
final class GcCounters implements MeterBinder {
  @Override
  public void bindTo(MeterRegistry registry) {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionCounter.builder(
              "jvm.gc.collections", collector, GarbageCollectorMXBean::getCollectionCount)
          .description("Garbage collections since the start")
          .tag("gc", collector.getName())
          .register(registry);
      FunctionCounter.builder(
              "jvm.gc.collection",
              collector,
              bean -> bean.getCollectionTime() / (double) TimeUnit.SECONDS.toMillis(1))
          .description("Time spent in garbage collections since the start")
          .baseUnit("seconds")
          .tag("gc", collector.getName())
          .register(registry);
    }
  }
}
