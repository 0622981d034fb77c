package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ingress path end to end: curl → real nginx configured from the operator's Ingress the way
 * ingress-nginx does it → the gateway's {@code /auth} → the "Hello, World!" upstream.
 */
@ExtendWith(LocalControlPlane.class)
class NginxAuthE2E {
  private static IngressStack stack;
  private static String hello;
  private static String helloHost;
  private static String reader;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    stack = new IngressStack(cluster, TestNamespaces.create(client, "nginx-e2e"));
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: hello, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world}
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: reader-token}
        spec: {role: Reader, labelSelector: group=A}
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: group-b-token}
        spec: {role: Reader, labelSelector: group=B}
        """);
    hello = stack.appId("hello");
    helloHost = hello + "." + IngressStack.BASE_DOMAIN;
    reader = stack.tokenValue("reader-token", null);
    stack.startOrReloadNginx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aReaderTokenReachesTheApp() {
    Curl.Answer answer =
        await()
            .atMost(IngressStack.WAIT)
            .until(
                () ->
                    Curl.request(
                        stack,
                        helloHost,
                        "/",
                        "-H",
                        "Authorization: Bearer " + reader,
                        "-H",
                        "X-Aideploy-Role: Operator"),
                a -> a.status() == 200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    // The ingress replaced what the client claimed with the gateway's answer.
    assertThat(stack.lastUpstreamHeaders)
        .containsEntry("x-aideploy-token", "reader-token")
        .containsEntry("x-aideploy-role", "Reader");
  }

  @Test
  void withoutATokenBrowsersAreSentToSignInAndApiCallsGet401() {
    Curl.Answer browser = Curl.request(stack, helloHost, "/chat?q=a%20b&x=1");
    assertThat(browser.status()).isEqualTo(302);
    String prefix = "https://" + IngressStack.LOGIN_HOST + "/login?rd=";
    assertThat(browser.location()).startsWith(prefix);
    assertThat(URLDecoder.decode(browser.location().substring(prefix.length()), UTF_8))
        .isEqualTo("https://" + helloHost + "/chat?q=a%20b&x=1");

    // Following the redirect lands on the gateway's sign-in page, through nginx.
    Curl.Answer page =
        Curl.request(
            stack,
            IngressStack.LOGIN_HOST,
            browser.location().substring(("https://" + IngressStack.LOGIN_HOST).length()));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Login with token", "hello", "Connect");

    // A wrong token is a 401 as well, so also a redirect.
    assertThat(Curl.request(stack, helloHost, "/", "-H", "Authorization: Bearer aid_nope").status())
        .isEqualTo(302);

    // The lifecycle API on the login host answers 401 itself, with the challenge.
    Curl.Answer api = Curl.request(stack, IngressStack.LOGIN_HOST, "/v1/apps");
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.headers()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"aideploy\"");
    // /auth is not published on the login host.
    assertThat(Curl.request(stack, IngressStack.LOGIN_HOST, "/auth?app=" + hello).status())
        .isEqualTo(404);
  }

  @Test
  void aPublicAppAddedLaterIsServedWithoutAToken() throws Exception {
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: open, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world, access: Public}
        """);
    String openHost = stack.appId("open") + "." + IngressStack.BASE_DOMAIN;
    stack.startOrReloadNginx();
    Curl.Answer answer =
        await()
            .atMost(IngressStack.WAIT)
            .until(() -> Curl.request(stack, openHost, "/"), a -> a.status() == 200);
    assertThat(answer.body()).isEqualTo("Hello, World!\n");
    // No auth_request, so no identity from the gateway (docs/gateway.md: Public apps must not
    // trust these headers).
    assertThat(stack.lastUpstreamHeaders).doesNotContainKey("x-aideploy-role");
  }

  @Test
  void aTokenForOtherAppsGets403() {
    String other = stack.tokenValue("group-b-token", null);
    assertThat(Curl.request(stack, helloHost, "/", "-H", "Authorization: Bearer " + other).status())
        .isEqualTo(403);
  }

  @Test
  void afterRegenerateTheOldValueIsRefusedAndTheNewOneWorks() throws Exception {
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: rotating-token}
        spec: {role: Reader, labelSelector: group=A}
        """);
    String old = stack.tokenValue("rotating-token", null);
    await()
        .atMost(IngressStack.WAIT)
        .until(
            () -> Curl.request(stack, helloHost, "/", "-H", "Authorization: Bearer " + old),
            a -> a.status() == 200);

    stack.regenerate("rotating-token");
    String fresh = stack.tokenValue("rotating-token", old);

    await()
        .atMost(IngressStack.WAIT)
        .until(
            () -> Curl.request(stack, helloHost, "/", "-H", "Authorization: Bearer " + fresh),
            a -> a.status() == 200 && a.body().equals("Hello, World!\n"));
    // The gateway's 401, which ingress-nginx turns into the sign-in redirect...
    assertThat(Curl.request(stack, helloHost, "/", "-H", "Authorization: Bearer " + old).status())
        .isEqualTo(302);
    // ...and as the API sees it.
    assertThat(
            Curl.request(
                    stack,
                    IngressStack.LOGIN_HOST,
                    "/v1/apps",
                    "-H",
                    "Authorization: Bearer " + old)
                .status())
        .isEqualTo(401);
    assertThat(
            Curl.request(
                    stack,
                    IngressStack.LOGIN_HOST,
                    "/v1/apps",
                    "-H",
                    "Authorization: Bearer " + fresh)
                .body())
        .contains(hello);
  }

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;
}
