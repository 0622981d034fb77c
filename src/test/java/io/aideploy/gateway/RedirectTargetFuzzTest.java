package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. */
class RedirectTargetFuzzTest {
  private static final String ID = "0f8d2c4e-5b6a-4c1d-9e7f-123456789abc";
  private static final String BASE = "apps.example.com";
  private static final RedirectTarget REDIRECTS;

  static {
    AccessIndex index = new AccessIndex();
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("web").withUid(ID).build());
    app.setSpec(new AiAppSpec());
    index.putApp(app);
    REDIRECTS = new RedirectTarget(new AppLocator(BASE), index);
  }

  @FuzzTest(maxDuration = "30s")
  void acceptsOnlyTheKnownAppOrAPlainPath(byte[] input) {
    String rd = new String(input, StandardCharsets.UTF_8);
    check(rd);
    // Most random text is refused at once; on the app's host the fuzzer reaches the URL checks.
    check("https://" + ID + "." + BASE + rd);
    check("https://" + rd);
  }

  private static void check(String rd) {
    RedirectTarget.Target target = REDIRECTS.parse(rd);
    if (target == null) {
      return;
    }
    assertThat(target.url()).isEqualTo(rd);
    if (target.appId() == null) {
      assertThat(rd).startsWith("/").doesNotStartWith("//").doesNotContain("\\");
      assertThat(rd.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("no controls").isTrue();
    } else {
      assertThat(target.appId()).isEqualTo(ID);
      assertThat(URI.create(rd).getHost()).isEqualToIgnoringCase(ID + "." + BASE);
    }
  }
}
