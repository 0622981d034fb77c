package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.app.dependent.IngressDependent;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.PodNetwork;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * "Login with token" in a real browser (headless Debian chromium through Selenium, as in {@link
 * BrowserLoginE2E}) through real Traefik v3 and its {@code kubernetesIngressNGINX} provider, which
 * reads the operator's Ingress as it is ({@link TraefikIngressE2E}). Traefik ignores {@code
 * auth-signin}: the gateway's {@code /auth?app=<id>} sends the browser to sign in itself (303), and
 * hands over the session cookie by a 303 that drops the ticket. The app's Pod is served by {@link
 * PodNetwork}, so the page at the end is the app's own answer, through the Service's EndpointSlice.
 *
 * <p>Traefik routes {@code login.<base-domain>} ({@code /login}, {@code /logout}) to the gateway
 * with a router of its file provider, as {@code scripts/local-ingress} does for nginx. Chromium
 * maps every host under the base domain to Traefik's address ({@code --host-resolver-rules}).
 */
@ExtendWith(LocalControlPlane.class)
class TraefikBrowserLoginE2E {
  private static final Duration WAIT = IngressStack.WAIT;
  private static final String TICKET = "aideploy_ticket";
  private static final String SESSION = "__Host-aideploy_session";

  private static IngressStack stack;
  private static PodNetwork network;
  private static TraefikProcess traefik;
  private static WebDriver browser;
  private static Pod helloPod;
  private static String appHost;
  private static String appUrl;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    stack = new IngressStack(cluster, TestNamespaces.create(client, "traefik-browser"));
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
        """);
    // The IngressClass that installing ingress-nginx leaves, without which Traefik's provider
    // ignores the operator's Ingress (see TraefikIngressE2E).
    LocalControlPlane.CommandResult ingressClass =
        cluster.kubectl(
            "apply",
            "-f",
            Files.writeString(
                    Files.createTempFile(stack.dir, "ingressclass", ".yaml"),
                    """
                    apiVersion: networking.k8s.io/v1
                    kind: IngressClass
                    metadata: {name: nginx}
                    spec: {controller: k8s.io/ingress-nginx}
                    """)
                .toString());
    assertThat(ingressClass.exitCode()).as(ingressClass.output()).isZero();
    String hello = stack.appId("hello");
    appHost = hello + "." + IngressStack.BASE_DOMAIN;
    appUrl = "https://" + appHost + "/";

    // The app's Pod, served on the Service's target port (spec.port, 8080 by default).
    network = PodNetwork.create(client);
    Service service =
        await()
            .atMost(WAIT)
            .until(
                () -> client.services().inNamespace(stack.namespace).withName("hello").get(),
                s -> s != null);
    int port = service.getSpec().getPorts().get(0).getTargetPort().getIntVal();
    List<Pod> pods = network.serveApp(stack.namespace, "hello", port);
    assertThat(pods).hasSize(1);
    helloPod = pods.get(0);

    // The gateway is where the Ingress's auth-url points; the sign-in host goes there too.
    String authUrl =
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace(stack.namespace)
            .withName("hello")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(IngressDependent.AUTH_URL);
    URI auth = URI.create(authUrl);
    String gateway = auth.getScheme() + "://" + auth.getAuthority();
    traefik = new TraefikProcess(cluster, stack.namespace, IngressStack.BASE_DOMAIN, gateway);
    // Both routers are there: the app's (the gateway's 401, not Traefik's 404) and the login
    // host's.
    await()
        .atMost(TraefikProcess.WAIT)
        .until(() -> traefik.request(appHost, "/").status(), s -> s == 401);
    await()
        .atMost(TraefikProcess.WAIT)
        .until(
            () -> traefik.request(IngressStack.LOGIN_HOST, "/login?rd=" + appUrl).status(),
            s -> s == 200);
    browser = chromium(stack.dir, traefik.address);
  }

  /** Headless Debian chromium that resolves every host under the base domain to Traefik. */
  private static WebDriver chromium(Path dir, String address) throws Exception {
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--ignore-certificate-errors",
        "--window-size=900,700",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
        "--host-resolver-rules=MAP *." + IngressStack.BASE_DOMAIN + " " + address);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().window().setSize(new Dimension(900, 700));
    return driver;
  }

  @AfterAll
  static void stop() throws Exception {
    List<Exception> errors = new ArrayList<>();
    if (browser != null) {
      try {
        browser.quit();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (traefik != null) {
      System.err.println("Traefik log: " + traefik.dir.resolve("traefik.log"));
      closeInto(errors, traefik);
    }
    if (network != null) {
      closeInto(errors, network);
    }
    if (stack != null) {
      System.err.println("aideploy log: " + stack.dir.resolve("aideploy.log"));
      closeInto(errors, stack);
    }
    if (!errors.isEmpty()) {
      Exception first = errors.get(0);
      errors.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void closeInto(List<Exception> errors, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      errors.add(e);
    }
  }

  @Test
  void signInThroughTraefikEndsOnTheAppWithAHostOnlyCookieThenSignOut() throws Exception {
    String token = stack.tokenValue("reader-token", null);

    // Not signed in: the gateway's 303 (through Traefik) sends the browser to the login page,
    // with the full address of the app to come back to.
    browser.get(appUrl);
    String loginUrl = browser.getCurrentUrl();
    assertThat(loginUrl).startsWith("https://" + IngressStack.LOGIN_HOST + "/login?rd=");
    assertThat(
            URLDecoder.decode(
                loginUrl.substring(loginUrl.indexOf("rd=") + 3), StandardCharsets.UTF_8))
        .isEqualTo(appUrl);
    assertThat(awaitElement(By.id("token"))).isNotNull();
    assertThat(browser.getTitle()).contains("Login with token");
    assertThat(text()).contains("hello").doesNotContain("Hello, World!");
    screenshot(Path.of("target/traefik-login-page.png"));

    // A wrong token: an error on the page, still the form.
    signIn("aid_" + "x".repeat(38));
    assertThat(awaitElement(By.id("error")).getText()).contains("token is not valid");
    assertThat(browser.findElements(By.id("token"))).hasSize(1);

    // The right token, from the app's own sign-in redirect.
    browser.get(appUrl);
    signIn(token);
    // The login page 303s to the app with ?aideploy_ticket=…, and the app's check answers that
    // with a 303 to the same address without it, plus the cookie. Traefik's ForwardAuth passes the
    // 303 on, but resolves its Location against the auth address (preserveLocationHeader, which
    // this provider leaves off): only an absolute Location reaches the browser as written.
    awaitPage(appUrl, "Hello, World!");
    assertThat(browser.getCurrentUrl()).doesNotContain(TICKET);
    screenshot(Path.of("target/traefik-app-signed-in.png"));
    Cookie session = browser.manage().getCookieNamed(SESSION);
    assertThat(session).as("the session cookie on %s", appHost).isNotNull();
    // Host-only: WebDriver shows a domain cookie with a leading dot, a host-only one without.
    assertThat(session.getDomain()).isEqualTo(appHost);
    assertThat(session.getPath()).isEqualTo("/");
    assertThat(session.isSecure()).isTrue();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getValue()).doesNotContain(token);

    // The app got the page load, with the session cookie, and never the ticket: the check
    // answered the request that carried it.
    List<PodNetwork.Request> received = appRequests();
    assertThat(received).as("requests that reached the app").isNotEmpty();
    assertThat(received)
        .allSatisfy(
            request -> {
              assertThat(request.path()).doesNotContain(TICKET);
              assertThat(request.headers())
                  .allSatisfy(
                      (name, values) ->
                          assertThat(values).as(name).noneMatch(v -> v.contains(TICKET)));
            });
    List<PodNetwork.Request> pageLoads =
        received.stream().filter(r -> r.path().equals("/")).toList();
    assertThat(pageLoads).as("page loads of / that reached the app").isNotEmpty();
    PodNetwork.Request pageLoad = pageLoads.get(pageLoads.size() - 1);
    assertThat(pageLoad.path()).isEqualTo("/");
    assertThat(pageLoad.header("Host")).isEqualTo(appHost);
    assertThat(pageLoad.header("Cookie")).contains(SESSION + "=" + session.getValue());

    // Signed in, the app opens directly.
    browser.get(appUrl + "again");
    awaitPage(appUrl + "again", "Hello, World!");

    // Sign out with the login page's button: POST /logout, 307 to the app's sign-out path, where
    // the check ends the session and sends the browser back to the login page.
    browser.get(loginUrl);
    awaitElement(By.id("sign-out")).click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                browser.getCurrentUrl().startsWith("https://" + IngressStack.LOGIN_HOST)
                    && !browser.findElements(By.id("token")).isEmpty());
    int before = appRequests().size();
    browser.get(appUrl);
    assertThat(browser.getCurrentUrl())
        .startsWith("https://" + IngressStack.LOGIN_HOST + "/login?rd=");
    assertThat(awaitElement(By.id("token"))).isNotNull();
    assertThat(text()).doesNotContain("Hello, World!");
    assertThat(appRequests()).as("requests that reached the app after sign-out").hasSize(before);
    screenshot(Path.of("target/traefik-signed-out.png"));
  }

  /** What reached the app's Pod through Traefik, without PodNetwork's own readiness probes. */
  private static List<PodNetwork.Request> appRequests() {
    return network.requests(helloPod).stream()
        .filter(r -> r.header(PodNetwork.PROBE_HEADER) == null)
        .toList();
  }

  private static void signIn(String token) {
    awaitElement(By.id("token")).sendKeys(token);
    awaitElement(By.xpath("//button[text()='Connect']")).click();
  }

  /**
   * The element once the page that has it is shown. A click on a submit button may return before
   * the browser has started to navigate, so looking right away can still see the previous page.
   */
  private static WebElement awaitElement(By locator) {
    try {
      return await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> browser.findElement(locator), element -> true);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no " + locator + " on " + browser.getCurrentUrl() + ":\n" + text(), e);
    }
  }

  /**
   * Waits until the browser shows {@code url} with {@code content}; on timeout, fails with where it
   * is and what it shows.
   */
  private static void awaitPage(String url, String content) {
    try {
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> browser.getCurrentUrl().equals(url) && text().contains(content));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "expected "
              + url
              + " showing "
              + content
              + ", the browser is on "
              + browser.getCurrentUrl()
              + ":\n"
              + text(),
          e);
    }
  }

  private static String text() {
    return browser.findElement(By.tagName("body")).getText();
  }

  /** Saves what the browser shows under {@code target/}. */
  private static void screenshot(Path relative) throws Exception {
    Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = stack.cluster.projectDir().resolve(relative);
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }
}
