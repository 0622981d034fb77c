package io.aideploy.bench;

import static io.aideploy.testing.CiRequirement.onPath;
import static io.aideploy.testing.CiRequirement.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.testing.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark modes of issue 15 in miniature (a handful of objects, one short round), so that the
 * scripts cannot rot: {@code bench/reconcile --tokens} with the operator and as the floor, {@code
 * bench/gateway} with two replicas, {@code bench/scale}. Each runs on a control plane of its own.
 * No timing is asserted; what is asserted is that every object was measured, the data files the
 * plots read were written, and that the app status changes cost no token reconcile.
 */
class BenchModesE2E {
  private Path projectDir;
  private Path tmp;

  @BeforeEach
  void workDirectory() throws IOException {
    projectDir =
        Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath().normalize();
    tmp = Files.createTempDirectory("aideploy-bench-modes");
  }

  @AfterEach
  void nothingLeftBehind() throws IOException {
    // Only the stopped control plane's directory and the data files the test asked for remain,
    // and no process runs from the work directory.
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList())
          .allMatch(
              name -> name.equals("cluster") || name.endsWith(".tsv") || name.endsWith(".out"));
    }
    assertThat(ScriptRun.processesMentioning(tmp.toString())).isEmpty();
    try (Stream<Path> all = Files.walk(tmp)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Test
  void reconcileWithTokensCountsNoTokenReconcileForAppStatusChanges() throws Exception {
    Path progress = tmp.resolve("progress.tsv");
    String text =
        run(Map.of("PROGRESS_OUT", progress.toString()), "bench/reconcile", "--tokens", "3", "3");

    assertThat(text)
        .contains("apps: 3, complete: 3; tokens: 3, Ready: 3")
        .contains("status changes: 3 of 3 apps Running")
        .containsPattern(
            "token reconciles: [1-9][0-9]* while creating, 0 caused by the 3 app status changes")
        .contains("operator heap after full GC");
    assertThat(kinds(progress))
        .containsExactlyInAnyOrder(
            "app", "app", "app", "token", "token", "token", "running", "running", "running");
  }

  @Test
  void theFloorSendsTheOperatorsWritesForAppsAndTokens() throws Exception {
    Path progress = tmp.resolve("floor.tsv");
    String text =
        run(
            Map.of("PROGRESS_OUT", progress.toString()),
            "bench/reconcile",
            "--floor",
            "--tokens",
            "3",
            "3");

    assertThat(text)
        .contains("no operator: the floor")
        .contains("apps: 3, complete: 3; tokens: 3, Ready: 3")
        .contains("status changes: 3 of 3 apps Running")
        .doesNotContain("token reconciles");
    assertThat(kinds(progress)).hasSize(9);
  }

  @Test
  void revocationIsMeasuredOnEveryReplica() throws Exception {
    required(onPath("wrk") && onPath("nginx"), "wrk and nginx on the PATH");
    Path trials = tmp.resolve("revocation.tsv");
    String text =
        run(
            Map.of("REPLICAS", "2", "ROUNDS", "0", "REVOKE_OUT", trials.toString()),
            "bench/gateway",
            "4",
            "4",
            "4");

    assertThat(text)
        .contains("2 gateway replica(s)")
        .contains("revocation, replica 1 only, trials   4")
        .contains("revocation, replica 2 only, trials   4")
        .contains("revocation, all (every replica refuses), trials   4")
        .contains("token value in gateway log (count, must be 0): 0");
    List<String> lines = Files.readAllLines(trials);
    assertThat(lines.get(0)).isEqualTo("trial\thow\treplica 1 ms\treplica 2 ms\tevery replica ms");
    assertThat(lines).hasSize(5);
  }

  @Test
  void scaleMeasuresEveryStepAndBothGatewaysSideBySide() throws Exception {
    required(onPath("wrk"), "wrk on the PATH");
    Path heap = tmp.resolve("heap.tsv");
    String text =
        run(
            Map.of("HEAP_OUT", heap.toString(), "WARMUP", "1", "DURATION", "2s", "ROUNDS", "1"),
            "bench/scale",
            "3",
            "6");

    assertThat(text)
        .contains("3 AiApps + 3 AiTokens: gateway ready")
        .contains("6 AiApps + 6 AiTokens: gateway ready")
        .contains("3 AiApps + 3 AiTokens (one namespace only): gateway ready")
        .contains("ratio 6 / 3 objects: ")
        .contains("token value in gateway log (count, must be 0): 0");
    assertThat(Files.readAllLines(heap)).hasSize(3).first().isEqualTo("objects\tready s\theap MiB");
  }

  /** Runs a bench script on a control plane of its own; returns its output once it succeeded. */
  private String run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder bench = new ProcessBuilder(command).directory(projectDir.toFile());
    bench.command().set(0, projectDir.resolve(command[0]).toString());
    bench.environment().putAll(env);
    bench.environment().put("TMPDIR", tmp.toString());
    // Apart from the one LocalControlPlane runs for the other tests.
    bench.environment().put("AIDEPLOY_CLUSTER_DIR", tmp.resolve("cluster").toString());
    ScriptRun run = ScriptRun.run(bench, tmp.resolve("script.out"), Duration.ofMinutes(10));
    String text = run.output();
    assertThat(run.finished()).as(text).isTrue();
    assertThat(run.exitValue()).as(text).isZero();
    return text;
  }

  private static List<String> kinds(Path progress) throws IOException {
    List<String> lines = Files.readAllLines(progress);
    assertThat(lines.get(0)).isEqualTo("seconds\tdone");
    return lines.stream().skip(1).map(line -> line.split("\t")[1]).toList();
  }
}
