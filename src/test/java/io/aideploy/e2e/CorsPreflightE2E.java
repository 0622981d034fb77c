package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * An app that lists one web origin ({@code spec.cors}), behind the real nginx configured as
 * ingress-nginx is: a preflight from that origin reaches the app, which answers it itself; from any
 * other origin, or any other credential-less request, the gateway refuses (nginx turns that into
 * the sign-in redirect). In Chromium, a page on the listed origin calls the app with a bearer token
 * and reads its answer; the same page on another origin cannot. The stand-in app allows every
 * origin itself ({@link IngressStack}), so every refusal here is the gateway's.
 */
@ExtendWith(LocalControlPlane.class)
class CorsPreflightE2E {
  private static IngressStack stack;
  private static HttpServer pages;
  private static String listedOrigin;
  private static String otherOrigin;
  private static String apiHost;
  private static String helloHost;
  private static String reader;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    // The web UI's pages: one server, two origins by name (Chromium maps both to it).
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext(
        "/",
        exchange -> {
          byte[] page = "<!doctype html><title>ui</title>".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    pages.start();
    listedOrigin = "http://ui.e2e.test:" + pages.getAddress().getPort();
    otherOrigin = "http://evil.e2e.test:" + pages.getAddress().getPort();

    stack = new IngressStack(cluster, TestNamespaces.create(client, "cors-e2e"));
    stack.apply(
        IngressStack.HELLO_AND_TOKENS
            + """
            ---
            apiVersion: aideploy.io/v1alpha1
            kind: AiApp
            metadata: {name: api, labels: {group: A}}
            spec:
              image: ovhcom/ai-deploy-hello-world
              cors: {allowedOrigins: ["%s"]}
            """
                .formatted(listedOrigin));
    apiHost = stack.appId("api") + "." + IngressStack.BASE_DOMAIN;
    helloHost = stack.appId("hello") + "." + IngressStack.BASE_DOMAIN;
    reader = stack.tokenValue("reader-token", null);
    stack.startOrReloadNginx();
    // The app is served and the gateway knows it (with its spec.cors, which comes in the same
    // object).
    await()
        .atMost(IngressStack.WAIT)
        .until(
            () -> Curl.request(stack, apiHost, "/", "-H", "Authorization: Bearer " + reader),
            a -> a.status() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (pages != null) {
      pages.stop(0);
    }
  }

  @Test
  void aPreflightFromTheListedOriginIsAnsweredByTheAppItself() {
    Curl.Answer answer = preflight(apiHost, listedOrigin);
    assertThat(answer.status()).isEqualTo(204);
    assertThat(answer.headers())
        .containsIgnoringCase("Access-Control-Allow-Origin: " + listedOrigin)
        .containsIgnoringCase("Access-Control-Allow-Headers: authorization");
    // What the app got: the browser's preflight, and no identity from the gateway.
    assertThat(stack.lastUpstreamHeaders)
        .containsEntry("origin", listedOrigin)
        .doesNotContainKey("x-aideploy-token");
  }

  @Test
  void everythingElseWithoutATokenIsRefused() {
    String signIn = "https://" + IngressStack.LOGIN_HOST + "/login?rd=";
    // Another origin, the listed one on an app that lists none, an OPTIONS that is no preflight.
    for (Curl.Answer refused :
        new Curl.Answer[] {
          preflight(apiHost, otherOrigin),
          preflight(apiHost, listedOrigin + "/"),
          preflight(helloHost, listedOrigin),
          Curl.request(stack, apiHost, "/", "-X", "OPTIONS", "-H", "Origin: " + listedOrigin),
          // A GET from the listed origin, ACRM or not, and one claiming OPTIONS in the method
          // headers: ingress-nginx writes X-Original-Method itself.
          Curl.request(stack, apiHost, "/", "-H", "Origin: " + listedOrigin),
          Curl.request(
              stack,
              apiHost,
              "/",
              "-H",
              "Origin: " + listedOrigin,
              "-H",
              "Access-Control-Request-Method: GET",
              "-H",
              "X-Original-Method: OPTIONS",
              "-H",
              "X-Forwarded-Method: OPTIONS"),
          Curl.request(
              stack,
              apiHost,
              "/",
              "-X",
              "OPTIONS",
              "-H",
              "Origin: " + listedOrigin,
              "-H",
              "Access-Control-Request-Method: POST",
              "-H",
              "X-HTTP-Method-Override: POST")
        }) {
      assertThat(refused.status()).isEqualTo(302);
      assertThat(refused.location()).startsWith(signIn);
      assertThat(refused.headers()).doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    }
  }

  @Test
  void aPageOnTheListedOriginCallsTheAppWithATokenAndAnotherOriginCannot() throws Exception {
    WebDriver browser =
        BrowserLoginE2E.chromium(stack, "MAP ui.e2e.test 127.0.0.1", "MAP evil.e2e.test 127.0.0.1");
    try {
      browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      browser.get(listedOrigin + "/");
      assertThat(fetchWithToken(browser)).isEqualTo("200 Hello, World!\n");
      browser.get(otherOrigin + "/");
      assertThat(fetchWithToken(browser)).startsWith("failed: TypeError");
    } finally {
      browser.quit();
    }
  }

  /** {@code fetch(app, {Authorization: Bearer …})} in the page: its status and text, or why not. */
  private static String fetchWithToken(WebDriver browser) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {headers: {Authorization: 'Bearer ' + arguments[1]}})"
                    + ".then(r => r.text().then(t => done(r.status + ' ' + t)))"
                    + ".catch(e => done('failed: ' + e));",
                "https://" + apiHost + "/v1/chat",
                reader);
  }

  private static Curl.Answer preflight(String host, String origin) {
    return Curl.request(
        stack,
        host,
        "/v1/chat",
        "-X",
        "OPTIONS",
        "-H",
        "Origin: " + origin,
        "-H",
        "Access-Control-Request-Method: POST",
        "-H",
        "Access-Control-Request-Headers: authorization");
  }
}
