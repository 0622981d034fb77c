package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
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
 * "Login with token" in a real browser: the Debian chromium, headless, driven by its chromedriver
 * through Selenium, in front of the same nginx and gateway as {@link NginxAuthE2E}.
 */
@ExtendWith(LocalControlPlane.class)
class BrowserLoginE2E {
  private static final Duration WAIT = IngressStack.WAIT;
  private static IngressStack stack;
  private static WebDriver browser;
  private static String appUrl;
  private static String appHost;
  private static String openHost;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    stack = new IngressStack(cluster, TestNamespaces.create(client, "browser-e2e"));
    stack.apply(
        """
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: hello, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world}
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiApp
        metadata: {name: open, labels: {group: A}}
        spec: {image: ovhcom/ai-deploy-hello-world, access: Public}
        ---
        apiVersion: aideploy.io/v1alpha1
        kind: AiToken
        metadata: {name: reader-token}
        spec: {role: Reader, labelSelector: group=A}
        """);
    appHost = stack.appId("hello") + "." + IngressStack.BASE_DOMAIN;
    appUrl = "https://" + appHost + "/";
    openHost = stack.appId("open") + "." + IngressStack.BASE_DOMAIN;
    stack.startOrReloadNginx();
    browser = chromium(stack);
  }

  /**
   * Headless Debian chromium; Selenium Manager never downloads anything. {@code moreHostRules}
   * ({@code MAP host address}) resolve hosts other than the apps'.
   */
  static WebDriver chromium(IngressStack stack, String... moreHostRules) throws Exception {
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
        "--user-data-dir=" + Files.createTempDirectory(stack.dir, "chromium"),
        stack.hostResolverRules()
            + Arrays.stream(moreHostRules).map(rule -> ", " + rule).collect(Collectors.joining()));
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
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void signInWithATokenThenRegenerateThenSignOut() throws Exception {
    String token = stack.tokenValue("reader-token", null);

    // Not signed in: the app sends the browser to the login page, which names the app.
    browser.get(appUrl);
    assertThat(browser.getCurrentUrl())
        .startsWith("https://" + IngressStack.LOGIN_HOST + "/login?rd=");
    assertThat(browser.getTitle()).contains("Login with token");
    assertThat(text()).contains("hello");
    screenshot(Path.of("target/login-page.png"));

    // A wrong token: an error on the page, still the form.
    signIn("aid_" + "x".repeat(38));
    assertThat(awaitElement(By.id("error")).getText()).contains("token is not valid");
    assertThat(browser.findElements(By.id("token"))).hasSize(1);

    // The right token: back to the app, which hands the browser its session cookie.
    browser.get(appUrl);
    signIn(token);
    await().atMost(WAIT).until(() -> text().contains("Hello, World!"));
    assertThat(browser.getCurrentUrl()).startsWith(appUrl);
    Cookie session = browser.manage().getCookieNamed("__Host-aideploy_session");
    assertThat(session).as("the session cookie on %s", appHost).isNotNull();
    // Host-only: WebDriver shows a domain cookie with a leading dot, a host-only one without.
    assertThat(session.getDomain()).isEqualTo(appHost);
    assertThat(session.isSecure()).isTrue();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getValue()).doesNotContain(token);

    // Another tenant's Public app on a sibling host never receives it (its upstream logs what
    // it got), nor do the login host's requests.
    browser.get("https://" + openHost + "/");
    await().atMost(WAIT).until(() -> text().contains("Hello, World!"));
    assertThat(stack.upstreamCookiesByHost.get(openHost))
        .isNotEmpty()
        .allSatisfy(cookie -> assertThat(cookie).doesNotContain("aideploy_session"));
    assertThat(stack.upstreamCookiesByHost.get(appHost))
        .anySatisfy(cookie -> assertThat(cookie).contains("__Host-aideploy_session="));

    // Regenerated: the session dies with the old value, the browser is sent to sign in again.
    stack.regenerate("reader-token");
    String fresh = stack.tokenValue("reader-token", token);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              browser.get(appUrl);
              return browser.getCurrentUrl().startsWith("https://" + IngressStack.LOGIN_HOST);
            });
    signIn(fresh);
    await().atMost(WAIT).until(() -> text().contains("Hello, World!"));
    String stolen = browser.manage().getCookieNamed("__Host-aideploy_session").getValue();
    assertThat(replay(stolen)).as("a copy of the cookie opens the app").isEqualTo("200");

    // Sign out from the app's sign-in page: it ends the session on the gateway, not only in the
    // browser, so the copy is dead too.
    browser.get(
        "https://"
            + IngressStack.LOGIN_HOST
            + "/login?rd="
            + URLEncoder.encode(appUrl, StandardCharsets.UTF_8));
    awaitElement(By.id("sign-out")).click();
    await()
        .atMost(WAIT)
        .until(() -> browser.getCurrentUrl().startsWith("https://" + IngressStack.LOGIN_HOST));
    browser.get(appUrl);
    assertThat(browser.getCurrentUrl())
        .startsWith("https://" + IngressStack.LOGIN_HOST + "/login?rd=");
    assertThat(text()).doesNotContain("Hello, World!");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(replay(stolen)).as("the copied cookie after sign-out").isEqualTo("302"));
  }

  /** The status curl gets for the app with a copy of the session cookie: 200, or 302 to sign in. */
  private static String replay(String sessionCookie) {
    return stack
        .curl(
            appHost,
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            "Cookie: __Host-aideploy_session=" + sessionCookie,
            appUrl)
        .stdout();
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

  private static String text() {
    return browser.findElement(By.tagName("body")).getText();
  }

  /**
   * Saves what the browser shows. Under {@code target/}, so that test runs leave the work tree
   * clean; when the page changes, look at it and copy it over {@code docs/login-page.png}.
   */
  private static void screenshot(Path relative) throws Exception {
    Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = stack.cluster.projectDir().resolve(relative);
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }
}
