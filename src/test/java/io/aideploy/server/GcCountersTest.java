package io.aideploy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class GcCountersTest {

  @Test
  void countsCollectionsPerCollectorInPrometheusNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new GcCounters().bindTo(registry);
    System.gc();

    double collections =
        registry.find("jvm.gc.collections").functionCounters().stream()
            .mapToDouble(FunctionCounter::count)
            .sum();
    assertThat(collections).isPositive();
    assertThat(registry.scrape())
        .contains("jvm_gc_collections_total{gc=")
        .contains("jvm_gc_collection_seconds_total{gc=");
  }
}
