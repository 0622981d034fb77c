package io.aideploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AppPhase;
import io.aideploy.api.v1alpha1.Condition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the CLI shows things to people: colour, tables, why an app failed, its version. */
class CliOutputTest {

  @Test
  void colourOnlyOnATerminalAndNeverWithNoColor() {
    assertThat(Colour.enabled(Map.<String, String>of()::get, true)).isTrue();
    assertThat(Colour.enabled(Map.<String, String>of()::get, false)).isFalse();
    assertThat(Colour.enabled(Map.of("NO_COLOR", "1")::get, true)).isFalse();
    assertThat(Colour.enabled(Map.of("TERM", "dumb")::get, true)).isFalse();
    // no-color.org: an empty NO_COLOR does not count.
    assertThat(Colour.enabled(Map.of("NO_COLOR", "")::get, true)).isTrue();
    // Tests run without a console: plain text.
    assertThat(Colour.forThisProcess().phase("Failed")).isEqualTo("Failed");
  }

  @Test
  void colouredCellsStayAligned() {
    Colour colour = new Colour(true);
    StringWriter text = new StringWriter();
    OutputOptions.table(
        new PrintWriter(text),
        List.of("NAME", "PHASE", "URL"),
        List.of(List.of("a", "Running", "u1"), List.of("bb", "Failed", "u2")),
        1,
        colour);
    assertThat(text.toString().replaceAll("\u001b\\[[0-9]*m", ""))
        .isEqualTo("NAME  PHASE    URL\na     Running  u1\nbb    Failed   u2\n");
    assertThat(text.toString()).contains("\u001b[32mRunning\u001b[0m", "\u001b[31mFailed\u001b[0m");
  }

  @Test
  void aFailedAppSaysWhy() {
    AiApp app = new AiApp();
    app.getMetadata().setName("broken");
    app.setSpec(new AiAppSpec());
    AiAppStatus status = new AiAppStatus();
    status.setPhase(AppPhase.Failed);
    status.setConditions(
        List.of(new Condition("Ready", false, "ImagePullFailed", "cannot pull nginx:nope", 1L)));
    app.setStatus(status);
    assertThat(AppInfo.of(app).message()).isEqualTo("cannot pull nginx:nope");

    status.setPhase(AppPhase.Running);
    status.setConditions(List.of(new Condition("Ready", true, "Ready", "1/1 ready", 1L)));
    assertThat(AppInfo.of(app).message()).isNull();
  }

  @Test
  void theVersionIsTheBuilds() {
    CliRun version = CliRun.of("-V");
    assertThat(version.out().strip()).matches("aideploy [0-9]+\\.[0-9]+\\.[0-9]+.*");
  }
}
