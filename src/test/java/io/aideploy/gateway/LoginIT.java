package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.config.Settings;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.MutableClock;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Browser sign-in: the login page, the session cookie and its death, on the real control plane. */
@ExtendWith(LocalControlPlane.class)
class LoginIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "test-session-key-0123456789abcdef";
  private static final String ORIGIN = "Origin: https://login.apps.test.local";
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private static KubernetesClient client;
  private static Vertx vertx;
  private static MutableClock clock;
  private static GatewayRuntime gateway;

  private String ns;
  private AiApp web;
  private AiApp other;
  private String token;
  private String rd;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.now());
    gateway = startGateway(KEY);
  }

  private static GatewayRuntime startGateway(String key) {
    Settings settings =
        TestOperator.settings().toBuilder().sessionKey(key).failedAuthLimit(10_000).build();
    GatewayRuntime runtime =
        GatewayRuntime.start(client, settings, new SimpleMeterRegistry(), clock, vertx);
    await().atMost(WAIT).until(runtime::isReady);
    return runtime;
  }

  @AfterAll
  static void stop() {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void resources() {
    clock.set(Instant.now());
    ns = TestNamespaces.create(client, "login");
    web = createApp(client, ns, "web-app", Map.of("group", "A"), Access.Token);
    other = createApp(client, ns, "other-app", Map.of("group", "B"), Access.Token);
    token = createToken(client, ns, "browser", Role.Reader, "group=A", null);
    rd = "https://" + uid(web) + ".apps.test.local/chat?x=1";
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(web), token).status() == 200);
    await().atMost(WAIT).until(() -> loginPage(rd).status() == 200);
  }

  @Test
  void pageShowsTheAppAndAnAccessibleForm() {
    RawHttp.Response page = loginPage(rd);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    assertThat(page.body())
        .contains("<title>Login with token", "<html lang=\"en\"", "web-app")
        .contains("<label for=\"token\">", "id=\"token\"", "type=\"password\"")
        .contains("<button type=\"submit\">Connect</button>")
        .contains("method=\"post\"")
        .doesNotContain("<script");
    RawHttp.Response bad = loginPage("https://evil.com/");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("role=\"alert\"").doesNotContain("evil.com");
  }

  @Test
  void signInHandsOverASessionThatOnlyTheAppsHostHolds() {
    RawHttp.Response signedIn = signIn(token, rd, ORIGIN);
    assertThat(signedIn.status()).isEqualTo(303);
    String location = signedIn.header("Location");
    assertThat(location).startsWith(rd + "&aideploy_ticket=").doesNotContain(token);
    // The login host sets no cookie at all: it could only set one for every app host.
    assertThat(signedIn.header("Set-Cookie")).isNull();

    // ingress-nginx: the browser follows the 303; the app's check sees the ticket in
    // X-Original-URL and answers 200 with the cookie, which nginx copies to the browser.
    RawHttp.Response handOff = nginxAuth(uid(web), location, "GET");
    assertThat(handOff.status()).isEqualTo(200);
    assertThat(handOff.header("X-Aideploy-Token")).isEqualTo("browser");
    String setCookie = handOff.header("Set-Cookie");
    assertThat(setCookie)
        .startsWith("__Host-aideploy_session=")
        .contains("Path=/", "Secure", "SameSite=Lax")
        // Attribute names are case-insensitive (RFC 6265); Netty writes "HTTPOnly".
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("Max-Age=43200")
        .doesNotContainIgnoringCase("Domain")
        .doesNotContain(token);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(authWithCookie(uid(web), cookie).status()).isEqualTo(200);
    assertThat(authWithCookie(uid(web), cookie).header("X-Aideploy-Token")).isEqualTo("browser");

    // Envoy and Traefik pass redirects: the hand-off is a 303 to the same address without the
    // ticket, so the app never sees it.
    String ticket = location.substring(location.indexOf("aideploy_ticket="));
    RawHttp.Response envoy =
        RawHttp.request(
            gateway.port(),
            "GET",
            "/auth/envoy/chat?x=1&" + ticket,
            "Host: " + uid(web) + ".apps.test.local");
    assertThat(envoy.status()).isEqualTo(303);
    assertThat(envoy.header("Location"))
        .isEqualTo("https://" + uid(web) + ".apps.test.local/chat?x=1");
    assertThat(envoy.header("Set-Cookie")).startsWith("__Host-aideploy_session=");
    RawHttp.Response traefik =
        RawHttp.request(
            gateway.port(),
            "GET",
            "/auth/traefik",
            "X-Forwarded-Host: " + uid(web) + ".apps.test.local",
            "X-Forwarded-Uri: /chat?" + ticket,
            "X-Forwarded-Method: GET");
    assertThat(traefik.status()).isEqualTo(303);
    assertThat(traefik.header("Location"))
        .isEqualTo("https://" + uid(web) + ".apps.test.local/chat");

    // The lifecycle API ignores cookies.
    assertThat(RawHttp.request(gateway.port(), "GET", "/v1/apps", "Cookie: " + cookie).status())
        .isEqualTo(401);

    // Regenerated: the session is dead.
    TestResources.publishNewValue(client, ns, "browser");
    await().atMost(WAIT).until(() -> authWithCookie(uid(web), cookie).status() == 401);
  }

  @Test
  void proxiesWithoutAuthSigninSendBrowsersToTheLoginPageAndGetTheCookieByRedirect() {
    String host = uid(web) + ".apps.test.local";
    String login = "https://login.apps.test.local/login?rd=" + enc("https://" + host + "/chat?x=1");
    String page = "Accept: text/html,application/xhtml+xml";
    // Traefik's ingress-nginx provider calls the same /auth?app= with X-Forwarded-* instead of
    // X-Original-URL, and passes any answer to the browser: a page load goes to sign in.
    String[] traefik = {
      "X-Forwarded-Host: " + host, "X-Forwarded-Uri: /chat?x=1", "X-Forwarded-Method: GET"
    };
    RawHttp.Response toLogin = viaNginxPath(uid(web), page, traefik);
    assertThat(toLogin.status()).isEqualTo(303);
    assertThat(toLogin.header("Location")).isEqualTo(login);
    // Scripts get the 401; ingress-nginx gets the 401 and redirects by itself.
    assertThat(viaNginxPath(uid(web), "Accept: application/json", traefik).status()).isEqualTo(401);
    assertThat(nginxAuth(uid(web), "https://" + host + "/chat?x=1", "GET", page).status())
        .isEqualTo(401);
    // Envoy and Traefik's own path: the same redirect, the app from their own source.
    RawHttp.Response envoy =
        RawHttp.request(gateway.port(), "GET", "/auth/envoy/chat?x=1", "Host: " + host, page);
    assertThat(envoy.status()).isEqualTo(303);
    assertThat(envoy.header("Location")).isEqualTo(login);

    // Back from the login page: the ticket becomes the cookie through a redirect, because
    // Traefik drops a 2xx answer's Set-Cookie but passes a 303's.
    String location = signIn(token, rd, ORIGIN).header("Location");
    String ticket = location.substring(location.indexOf("aideploy_ticket="));
    RawHttp.Response handOff =
        viaNginxPath(
            uid(web),
            page,
            "X-Forwarded-Host: " + host,
            "X-Forwarded-Uri: /chat?x=1&" + ticket,
            "X-Forwarded-Method: GET");
    assertThat(handOff.status()).isEqualTo(303);
    assertThat(handOff.header("Location")).isEqualTo("https://" + host + "/chat?x=1");
    String cookie = cookie(handOff);
    assertThat(authWithCookie(uid(web), cookie).status()).isEqualTo(200);
  }

  @Test
  void aSessionOrTicketOpensOnlyTheAppItWasIssuedFor() {
    // Covered by the same token: still another app, so another session is needed.
    AiApp sibling = createApp(client, ns, "sibling", Map.of("group", "A"), Access.Token);
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(sibling), token).status() == 200);
    String location = signIn(token, rd, ORIGIN).header("Location");
    String cookie = cookie(nginxAuth(uid(web), location, "GET"));
    assertThat(authWithCookie(uid(sibling), cookie).status()).isEqualTo(401);
    assertThat(authWithCookie(uid(other), cookie).status()).isEqualTo(401);
    // The same ticket presented for the sibling's host.
    String siblingUrl = location.replace(uid(web), uid(sibling));
    RawHttp.Response replayed = nginxAuth(uid(sibling), siblingUrl, "GET");
    assertThat(replayed.status()).isEqualTo(401);
    assertThat(replayed.header("Set-Cookie")).isNull();
    // A ticket is good for a minute only.
    String fresh = signIn(token, rd, ORIGIN).header("Location");
    clock.advance(Duration.ofSeconds(61));
    assertThat(nginxAuth(uid(web), fresh, "GET").status()).isEqualTo(401);
  }

  @Test
  void signOutEndsTheSessionOnEveryReplica() {
    GatewayRuntime second = startGateway(KEY);
    try {
      String cookie =
          cookie(nginxAuth(uid(web), signIn(token, rd, ORIGIN).header("Location"), "GET"));
      assertThat(authWithCookie(second.port(), uid(web), cookie).status()).isEqualTo(200);
      String signOutUrl = "https://" + uid(web) + ".apps.test.local/.aideploy/sign-out";
      // Only a POST signs out: a link or an image on another site cannot.
      assertThat(nginxAuth(uid(web), signOutUrl, "GET", "Cookie: " + cookie).status())
          .isEqualTo(200);
      assertThat(authWithCookie(uid(web), cookie).status()).isEqualTo(200);

      RawHttp.Response out = nginxAuth(uid(web), signOutUrl, "POST", "Cookie: " + cookie);
      assertThat(out.status()).isEqualTo(401);
      assertThat(out.header("Set-Cookie"))
          .startsWith("__Host-aideploy_session=;")
          .containsIgnoringCase("Max-Age=0");
      // The stolen copy is dead on this replica at once and on the other through the watch.
      assertThat(authWithCookie(uid(web), cookie).status()).isEqualTo(401);
      await()
          .atMost(WAIT)
          .until(() -> authWithCookie(second.port(), uid(web), cookie).status() == 401);
      assertThat(
              client
                  .resources(AiToken.class)
                  .inNamespace(ns)
                  .withName("browser")
                  .get()
                  .getStatus()
                  .getSessionsNotBefore())
          .isNotNull();

      // Signing in again works at once, on either replica.
      clock.advance(Duration.ofMillis(5));
      String again =
          cookie(nginxAuth(uid(web), signIn(token, rd, ORIGIN).header("Location"), "GET"));
      assertThat(authWithCookie(uid(web), again).status()).isEqualTo(200);
      assertThat(authWithCookie(second.port(), uid(web), again).status()).isEqualTo(200);
    } finally {
      second.close();
    }
  }

  @Test
  void wrongAndOutOfScopeTokensShowAnError() {
    RawHttp.Response wrong = signIn("aid_wrong", rd, ORIGIN);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).contains("role=\"alert\"", "not valid", "Connect");
    assertThat(wrong.header("Set-Cookie")).isNull();

    String groupB = createToken(client, ns, "group-b", Role.Reader, "group=B", null);
    await()
        .atMost(WAIT)
        .until(() -> GatewayIT.auth(gateway.port(), uid(other), groupB).status() == 200);
    RawHttp.Response outOfScope = signIn(groupB, rd, ORIGIN);
    assertThat(outOfScope.status()).isEqualTo(403);
    assertThat(outOfScope.body()).contains("does not give access to this app");
    assertThat(outOfScope.header("Set-Cookie")).isNull();

    RawHttp.Response empty = signIn("", rd, ORIGIN);
    assertThat(empty.status()).isEqualTo(401);
    assertThat(empty.body()).contains("Please enter your access token");
  }

  @Test
  void forgedAndCrossSiteFormsAreRefused() {
    String csrf = csrf(loginPage(rd));
    assertThat(post("/login", form(token, rd, csrf), "Origin: https://evil.com").status())
        .isEqualTo(403);
    // An app on a sibling host is another origin too.
    assertThat(
            post(
                    "/login",
                    form(token, rd, csrf),
                    "Origin: https://" + uid(other) + ".apps.test.local")
                .status())
        .isEqualTo(403);
    assertThat(post("/login", form(token, rd, csrf)).status()).isEqualTo(403);
    assertThat(post("/login", form(token, rd, "forged.token"), ORIGIN).status()).isEqualTo(403);
    assertThat(post("/login", form(token, rd, null), ORIGIN).status()).isEqualTo(403);
    assertThat(
            post(
                    "/login",
                    form(token, rd, csrf),
                    "Referer: https://login.apps.test.local/login?rd=x")
                .status())
        .isEqualTo(303);
    // Expired form.
    clock.advance(Duration.ofHours(2));
    assertThat(post("/login", form(token, rd, csrf), ORIGIN).status()).isEqualTo(403);
    clock.set(Instant.now());
    // A hostile rd in the form is refused even with a good token.
    assertThat(post("/login", form(token, "//evil.com", csrf), ORIGIN).status()).isEqualTo(400);
    assertThat(post("/login", form(token, "https://evil.com/", csrf), ORIGIN).header("Location"))
        .isNull();
  }

  @Test
  void signOutOnTheLoginPageLeadsToTheAppsOwnSignOut() {
    RawHttp.Response out = post("/logout", "rd=" + enc(rd), ORIGIN);
    // 307 keeps the POST: the browser posts to the app's host, which holds the session.
    assertThat(out.status()).isEqualTo(307);
    assertThat(out.header("Location"))
        .isEqualTo("https://" + uid(web) + ".apps.test.local/.aideploy/sign-out");
    assertThat(loginPage(rd).body()).contains("id=\"sign-out\"");
    RawHttp.Response nowhere = post("/logout", "", ORIGIN);
    assertThat(nowhere.status()).isEqualTo(303);
    assertThat(nowhere.header("Location")).isEqualTo("https://login.apps.test.local/login");
    assertThat(post("/logout", "rd=" + enc("https://evil.com/"), ORIGIN).status()).isEqualTo(303);
    assertThat(post("/logout", "rd=" + enc(rd), "Origin: https://evil.com").status())
        .isEqualTo(403);
  }

  @Test
  void relativeTargetAndNoTarget() {
    String csrf = csrf(loginPage(null));
    RawHttp.Response relative = post("/login", form(token, "/after", csrf), ORIGIN);
    assertThat(relative.status()).isEqualTo(200);
    assertThat(relative.header("Set-Cookie")).isNull();
    assertThat(relative.body()).contains("This token is valid");
    RawHttp.Response none = post("/login", form(token, null, csrf), ORIGIN);
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.header("Set-Cookie")).isNull();
    assertThat(none.body()).contains("This token is valid");
  }

  @Test
  void malformedFormsAndLinksAreClientErrors() {
    String csrf = csrf(loginPage(rd));
    assertThat(post("/login", "token=a&token=b&csrf=" + enc(csrf), ORIGIN).status()).isEqualTo(400);
    assertThat(post("/login", "x=" + "a".repeat(20_000), ORIGIN).status()).isBetween(400, 499);
    assertThat(post("/login", "%zz=%ff&token=%", ORIGIN).status()).isBetween(400, 499);
    assertThat(RawHttp.request(gateway.port(), "GET", "/login?rd=%zz").status()).isEqualTo(400);
    assertThat(RawHttp.request(gateway.port(), "GET", "/login?rd=a&rd=b").status()).isEqualTo(400);
    assertThat(RawHttp.request(gateway.port(), "PUT", "/login").status()).isEqualTo(405);
    assertThat(RawHttp.request(gateway.port(), "GET", "/logout").status()).isEqualTo(405);
    // Text from the link is never reflected into the page unescaped.
    RawHttp.Response page =
        RawHttp.request(
            gateway.port(), "GET", "/login?rd=%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("<script>").contains("&quot;&gt;&lt;script&gt;");
  }

  private static RawHttp.Response loginPage(String rd) {
    return RawHttp.request(
        gateway.port(),
        "GET",
        rd == null ? "/login" : "/login?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8));
  }

  private RawHttp.Response signIn(String value, String rd, String... headers) {
    return post("/login", form(value, rd, csrf(loginPage(rd))), headers);
  }

  private static RawHttp.Response post(String path, String body, String... headers) {
    String[] all = new String[headers.length + 1];
    all[0] = "Content-Type: application/x-www-form-urlencoded";
    System.arraycopy(headers, 0, all, 1, headers.length);
    return RawHttp.withBody(gateway.port(), "POST", path, body, all);
  }

  private static String form(String value, String rd, String csrf) {
    StringBuilder form = new StringBuilder("token=" + enc(value));
    if (rd != null) {
      form.append("&rd=").append(enc(rd));
    }
    if (csrf != null) {
      form.append("&csrf=").append(enc(csrf));
    }
    return form.toString();
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String csrf(RawHttp.Response page) {
    Matcher matcher = CSRF.matcher(page.body());
    assertThat(matcher.find()).as("form token in %s", page.body()).isTrue();
    return matcher.group(1);
  }

  private static String cookie(RawHttp.Response response) {
    String setCookie = response.header("Set-Cookie");
    assertThat(setCookie).isNotNull();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static RawHttp.Response authWithCookie(String appId, String cookie) {
    return authWithCookie(gateway.port(), appId, cookie);
  }

  private static RawHttp.Response authWithCookie(int port, String appId, String cookie) {
    return RawHttp.request(port, "GET", "/auth?app=" + appId, "Cookie: " + cookie);
  }

  /** A check on ingress-nginx's path, with an Accept header and the proxy's other headers. */
  private static RawHttp.Response viaNginxPath(String appId, String accept, String... headers) {
    String[] all = new String[headers.length + 1];
    all[0] = accept;
    System.arraycopy(headers, 0, all, 1, headers.length);
    return RawHttp.request(gateway.port(), "GET", "/auth?app=" + appId, all);
  }

  /** The check ingress-nginx makes for a browser request to {@code url} on app {@code appId}. */
  private static RawHttp.Response nginxAuth(
      String appId, String url, String method, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "X-Original-URL: " + url;
    all[1] = "X-Original-Method: " + method;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return RawHttp.request(gateway.port(), "GET", "/auth?app=" + appId, all);
  }
}
