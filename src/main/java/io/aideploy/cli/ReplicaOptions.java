package io.aideploy.cli;

import io.aideploy.lifecycle.RefusedRequest;
import io.aideploy.lifecycle.ScaleRequest;
import picocli.CommandLine.Option;

/** {@code --replicas N} or {@code --min N --max M}: a fixed number of replicas or autoscaling. */
public class ReplicaOptions {
  @Option(names = "--replicas", description = "Fixed number of replicas (0-1000).")
  Integer replicas;

  @Option(names = "--min", description = "Autoscaling: fewest replicas (1-1000, with --max).")
  Integer min;

  @Option(names = "--max", description = "Autoscaling: most replicas (1-1000).")
  Integer max;

  boolean isEmpty() {
    return replicas == null && min == null && max == null;
  }

  /** The choice made, checked: one way or the other. */
  ScaleRequest scale() {
    try {
      return ScaleRequest.of(replicas, min, max);
    } catch (RefusedRequest e) {
      throw CliException.usage("pass --replicas N, or --min N --max M for autoscaling, not both");
    }
  }
}
