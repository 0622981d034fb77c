package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InformerHealthTest {
  private final AtomicBoolean synced = new AtomicBoolean(false);
  private final AtomicBoolean watching = new AtomicBoolean(true);
  private final AtomicLong nanos = new AtomicLong(0);
  private final InformerHealth health =
      new InformerHealth(List.of(informer(), informer()), nanos::get, InformerHealth.GRACE_NANOS);

  @Test
  void unusableUntilSynced() {
    assertThat(health.isUsable()).isFalse();
    synced.set(true);
    nanos.addAndGet(InformerHealth.RECHECK_NANOS);
    assertThat(health.isUsable()).isTrue();
  }

  @Test
  void theAnswerIsKeptForTheRecheckInterval() {
    assertThat(health.isUsable()).isFalse();
    synced.set(true);
    nanos.addAndGet(InformerHealth.RECHECK_NANOS - 1);
    assertThat(health.isUsable()).isFalse();
    nanos.addAndGet(1);
    assertThat(health.isUsable()).isTrue();
  }

  @Test
  void aLostWatchIsToleratedForTheGracePeriodOnly() {
    synced.set(true);
    watching.set(false);
    assertThat(health.isUsable()).isTrue();
    nanos.addAndGet(InformerHealth.GRACE_NANOS - 1);
    assertThat(health.isUsable()).isTrue();
    nanos.addAndGet(InformerHealth.RECHECK_NANOS);
    assertThat(health.isUsable()).isFalse();
    watching.set(true);
    nanos.addAndGet(InformerHealth.RECHECK_NANOS);
    assertThat(health.isUsable()).isTrue();
    // A new gap gets a new grace period.
    watching.set(false);
    nanos.addAndGet(InformerHealth.RECHECK_NANOS);
    assertThat(health.isUsable()).isTrue();
  }

  /** A fake informer answering only what InformerHealth asks. */
  private SharedIndexInformer<?> informer() {
    return (SharedIndexInformer<?>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {SharedIndexInformer.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "hasSynced" -> synced.get();
                  case "isWatching" -> watching.get();
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
