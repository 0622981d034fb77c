package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.testing.ScriptRun;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart, {@code scripts/demo --once}, as CI runs it: it brings up its own control
 * plane, aideploy, nginx and the stand-in app, reaches the app with the token, and stops it all.
 */
class DemoE2E {

  @Test
  void theQuickstartEndsWithHelloWorldAndStopsWhatItStarted() throws Exception {
    Path projectDir =
        Path.of(System.getProperty("aideploy.projectDir", ".")).toAbsolutePath().normalize();
    Path dir = Files.createTempDirectory("aideploy-demo");
    Path output = dir.resolve("demo.out");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // Apart from a demo a developer may be running on 127.0.0.1:443.
    String address = "127." + random.nextInt(200, 250) + ".0." + random.nextInt(2, 250);
    ProcessBuilder demo =
        new ProcessBuilder(projectDir.resolve("scripts/demo").toString(), "--once")
            .directory(projectDir.toFile());
    demo.environment().put("AIDEPLOY_DEMO_DIR", dir.toString());
    demo.environment().put("AIDEPLOY_DEMO_ADDRESS", address);
    ScriptRun run = ScriptRun.run(demo, output, Duration.ofMinutes(10));
    String text = run.output();

    assertThat(run.finished()).as(text).isTrue();
    assertThat(run.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("Hello, World!", "curl -k --resolve", "-H @-", "  aid_", "/login?rd=")
        // The suggested command reads the token from the environment, not from curl's argv.
        .contains("printf 'Authorization: Bearer %s' \"$AIDEPLOY_TOKEN\" | curl")
        .contains("demo: stopped everything it started");

    // What it started is gone: nothing runs from its directory, nothing listens on its address.
    assertThat(ScriptRun.processesMentioning(dir.toString())).isEmpty();
    assertThat(listening(address)).isFalse();
  }

  private static boolean listening(String address) {
    try (Socket socket = new Socket(address, 443)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
