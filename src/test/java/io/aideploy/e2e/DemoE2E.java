package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
            .directory(projectDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    demo.environment().put("AIDEPLOY_DEMO_DIR", dir.toString());
    demo.environment().put("AIDEPLOY_DEMO_ADDRESS", address);
    Process process = demo.start();
    boolean finished = process.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(finished).as(text).isTrue();
    assertThat(process.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("Hello, World!", "curl -k --resolve", "-H @-", "  aid_", "/login?rd=")
        // The suggested command reads the token from the environment, not from curl's argv.
        .contains("printf 'Authorization: Bearer %s' \"$AIDEPLOY_TOKEN\" | curl")
        .contains("demo: stopped everything it started");

    // What it started is gone: nothing runs from its directory, nothing listens on its address.
    List<String> leftovers =
        ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(line -> line.contains(dir.toString()))
            .toList();
    assertThat(leftovers).isEmpty();
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
