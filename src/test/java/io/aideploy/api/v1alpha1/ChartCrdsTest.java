package io.aideploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Helm chart carries the same CRDs as {@code crds/}, byte for byte. */
class ChartCrdsTest {
  static final Path CHART_CRDS = Path.of("helm/aideploy/crds");

  @Test
  void chartCrdsAreTheCommittedCrds() {
    assertThat(CrdsUpToDateTest.differences(CrdsUpToDateTest.COMMITTED, CHART_CRDS))
        .as("helm/aideploy/crds differs from crds/: cp crds/*.yml helm/aideploy/crds/")
        .isEmpty();
  }
}
