package io.aideploy.testing;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test needs. Under CI ({@code CI} set) {@code .ci/run} provides it, so its absence is a
 * defect and fails the test; elsewhere the test is skipped, saying what is missing.
 */
public final class CiRequirement {
  private CiRequirement() {}

  public static void required(boolean present, String missing) {
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError(missing);
    }
    Assumptions.assumeTrue(present, missing);
  }

  /** Whether {@code tool} is a command on the PATH. */
  public static boolean onPath(String tool) throws IOException, InterruptedException {
    return new ProcessBuilder("sh", "-c", "command -v " + tool)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor()
        == 0;
  }
}
