package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.config.Settings;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz test (Jazzer) of the login form: the real HTTP server and login endpoint, on an index that
 * holds one app and one valid token, no control plane. Each input is the rest of a {@code POST
 * /login} form after a valid CSRF token, with the valid token value added or not. Whatever the
 * form: never a 5xx, never a cookie on the login host, a redirect (303) only for the valid token
 * and only to the known app's host, a 200 only for the valid token, and the value never in the
 * page. Replayed by {@code mvn verify}, fuzzed by bench/fuzz.
 */
class LoginFormFuzzTest {
  private static final String UID = "0b5d3c1e-3f4a-4e59-9a41-7f3c2d1b0a99";
  private static final String APP_HOST = UID + "." + TestOperator.BASE_DOMAIN;
  private static final String ORIGIN = "Origin: https://login." + TestOperator.BASE_DOMAIN;
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final String VALUE = TokenValue.generate();
  private static Vertx vertx;
  private static int port;
  private static String csrf;

  @BeforeAll
  static void startTheGateway() {
    AccessIndex index = new AccessIndex();
    index.putApp(app());
    index.putToken(token());
    index.syncedWhen(() -> true);
    Settings settings =
        TestOperator.settings().toBuilder().failedAuthLimit(Integer.MAX_VALUE).build();
    vertx = Vertx.vertx();
    GatewayContext context =
        GatewayRuntime.context(null, settings, new SimpleMeterRegistry(), Clock.systemUTC(), index);
    port =
        GatewayRuntime.listen(vertx, 0, context, TrustedProxies.parse(settings.trustedProxies()))
            .servers()
            .get(0)
            .actualPort();
    RawHttp.Response page =
        RawHttp.request(port, "GET", "/login?rd=" + encode("https://" + APP_HOST + "/"));
    Matcher matcher = CSRF.matcher(page.body());
    assertThat(matcher.find()).as(page.body()).isTrue();
    csrf = matcher.group(1);
    // The harness reaches the grant: the valid value for the app is redirected to it.
    assertThat(post("rd=" + encode("https://" + APP_HOST + "/"), true).status()).isEqualTo(303);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @FuzzTest(maxDuration = "30s")
  void theFormGrantsOnlyTheValidTokenAndOnlyForTheKnownApp(FuzzedDataProvider data) {
    boolean withValue = data.consumeBoolean();
    String rest = data.consumeRemainingAsString();
    RawHttp.Response answer;
    // The one connection this test makes on purpose: to the gateway under test, on loopback.
    try (SilentCloseable gatewayOnly =
        BugDetectors.allowNetworkConnections(
            (host, to) -> to == port && (host.equals("localhost") || host.equals("127.0.0.1")))) {
      answer = post(rest, withValue);
    }
    assertThat(answer.status()).isIn(200, 303, 400, 401, 403, 413, 429);
    assertThat(answer.all("Set-Cookie")).isEmpty();
    assertThat(answer.body()).doesNotContain(VALUE);
    if (answer.status() == 200 || answer.status() == 303) {
      assertThat(withValue).as("granted without the valid value: %s", rest).isTrue();
    }
    if (answer.status() == 303) {
      // To the app's host, as a browser reads the URL: https://<host>?q is path "/", and host
      // names are ASCII and case-insensitive.
      URI location = URI.create(answer.header("Location"));
      assertThat(location.getScheme()).isEqualTo("https");
      assertThat(location.getRawAuthority()).matches("[\\x21-\\x7e]+");
      assertThat(location.getRawAuthority().toLowerCase(Locale.ROOT)).isEqualTo(APP_HOST);
    }
  }

  /** POST /login with a valid CSRF token, {@code rest}, and the valid value if asked. */
  private static RawHttp.Response post(String rest, boolean withValue) {
    String body =
        "csrf=" + encode(csrf) + "&" + rest + (withValue ? "&token=" + encode(VALUE) : "");
    return RawHttp.withBody(
        port, "POST", "/login", body, ORIGIN, "Content-Type: application/x-www-form-urlencoded");
  }

  private static AiApp app() {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("app")
            .withUid(UID)
            .withLabels(Map.of("group", "a"))
            .build());
    app.setSpec(new AiAppSpec());
    return app;
  }

  private static AiToken token() {
    AiToken token = new AiToken();
    token.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("t").build());
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector("group=a");
    token.setSpec(spec);
    AiTokenStatus status = new AiTokenStatus();
    status.setPhase(TokenPhase.Ready);
    status.setTokenHash(TokenValue.hash(VALUE));
    // Far from now: no lastUsedAt patch is attempted (there is no API server here).
    status.setLastUsedAt(Instant.now().plus(365, ChronoUnit.DAYS).toString());
    token.setStatus(status);
    return token;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
