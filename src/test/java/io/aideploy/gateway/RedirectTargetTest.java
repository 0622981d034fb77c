package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectTargetTest {
  private static final String ID = "0f8d2c4e-5b6a-4c1d-9e7f-123456789abc";
  private static final String UNKNOWN = "11111111-2222-3333-4444-555555555555";
  private static final String HOST = ID + ".apps.example.com";
  private final RedirectTarget redirects;

  RedirectTargetTest() {
    AccessIndex index = new AccessIndex();
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("web").withUid(ID).build());
    app.setSpec(new AiAppSpec());
    index.putApp(app);
    redirects = new RedirectTarget(new AppLocator("apps.example.com"), index);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://" + HOST + "/",
        "https://" + HOST,
        "https://" + HOST + "/chat?q=1&x=%2F#top",
        "HTTPS://" + HOST + "/",
        "https://" + HOST + ":443/",
        "/",
        "/some/path?x=https://evil.com"
      })
  void acceptsKnownAppsAndRelativePaths(String rd) {
    assertThat(redirects.parse(rd)).isNotNull();
    assertThat(redirects.parse(rd).url()).isEqualTo(rd);
  }

  @Test
  void absoluteTargetsNameTheirApp() {
    assertThat(redirects.parse("https://" + HOST + "/x").appId()).isEqualTo(ID);
    assertThat(redirects.parse("/x").appId()).isNull();
  }

  static Stream<String> hostile() {
    return Stream.of(
        null,
        "",
        "//evil.com",
        "//evil.com/" + HOST,
        "/\\evil.com",
        "\\\\evil.com",
        "/\\/evil.com",
        "https://evil.com/",
        "https://evil.com/?" + HOST,
        "https://" + HOST + ".evil.com/",
        "https://" + HOST + "@evil.com/",
        "https://user:pass@" + HOST + "/",
        "https://evil.com\\@" + HOST + "/",
        "https://evil.com#@" + HOST + "/",
        "http://" + HOST + "/",
        "javascript:alert(1)",
        "JavaScript://" + HOST + "/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://" + HOST + "/",
        "https:/" + HOST + "/",
        "https:" + HOST + "/",
        " https://" + HOST + "/",
        "https://" + HOST + "/\r\nSet-Cookie: x=y",
        "https://" + HOST + "/\u0000",
        "/\t/evil.com",
        "/path\u007f",
        "https://" + UNKNOWN + ".apps.example.com/",
        "https://" + HOST + "./",
        "https://" + HOST + ".:443/",
        "https://apps.example.com/",
        "https://a.b.apps.example.com/",
        "https://" + HOST + ":8443/",
        "https://" + HOST + ":443@evil.com/",
        "https://" + ID + ".apps.example.com\u3002evil.com/",
        "https://xn--" + HOST + "/",
        "evil.com",
        "./relative",
        "https://" + HOST + "/" + "a".repeat(RedirectTarget.MAX_LENGTH));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void refusesEverythingElse(String rd) {
    assertThat(redirects.parse(rd)).isNull();
  }
}
