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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/peer} in miniature (two apps, four-second rounds), so that the script cannot rot: it
 * builds mockoidc, signs in to the real oauth2-proxy, renders the real nginx configuration and
 * checks that each credential opens its own path and no other before any round; a round with a
 * non-2xx answer or no answer at all fails it. No timing is asserted.
 */
class PeerBenchE2E {

  @Test
  void theBenchmarkMeasuresEveryPathWithAValidCredentialAndStopsWhatItStarted() throws Exception {
    Path projectDir =
        Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath().normalize();
    required(onPath("wrk") && onPath("nginx") && onPath("go"), "wrk, nginx and go on the PATH");
    required(
        run(projectDir, "scripts/local-cluster", "oauth2-proxy-bin") == 0,
        "oauth2-proxy built (scripts/local-cluster build)");
    Path tmp = Files.createTempDirectory("aideploy-bench-peer");
    Path output = tmp.resolveSibling(tmp.getFileName() + ".out");
    ProcessBuilder bench =
        new ProcessBuilder(projectDir.resolve("bench/peer").toString(), "2", "2")
            .directory(projectDir.toFile());
    bench.environment().put("TMPDIR", tmp.toString());
    // Its own control plane, apart from the one LocalControlPlane runs for the other tests.
    bench.environment().put("AIDEPLOY_CLUSTER_DIR", tmp.resolve("cluster").toString());
    bench.environment().put("WARMUP", "1");
    // Not 1 s: on a loaded machine the 64 TLS handshakes with the front nginx alone can take that.
    bench.environment().put("DURATION", "4s");
    bench.environment().put("ROUNDS", "1");
    ScriptRun run = ScriptRun.run(bench, output, Duration.ofMinutes(10));
    String text = run.output();

    assertThat(run.finished()).as(text).isTrue();
    assertThat(run.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("oauth2-proxy session cookie: ")
        .contains("nginx auth_request -> gateway /auth (bearer token)")
        .contains("nginx auth_request -> oauth2-proxy /oauth2/auth (session cookie)")
        .contains("the same with auth-keepalive -> gateway")
        .contains("the same with auth-keepalive -> oauth2-proxy")
        .contains("nginx, no auth (ceiling)", "gateway /auth alone")
        .contains("oauth2-proxy /oauth2/auth alone", "nginx static `return 200`")
        .contains("behind auth_request: req/s ahead of oauth2-proxy")
        .contains("token value in gateway log (count, must be 0): 0");

    // What it started is gone: its work directory and its control plane's state are removed
    // (only the stopped cluster's directory may remain), and no process runs from them.
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList()).as(text).isSubsetOf("cluster");
    }
    assertThat(ScriptRun.processesMentioning(tmp.toString())).isEmpty();
    delete(tmp);
    Files.delete(output);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static int run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // oauth2-proxy-bin may build it with go: minutes at most, never a hang of the build.
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 10 minutes");
    }
    return process.exitValue();
  }
}
