package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.Cors;
import io.aideploy.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which requests count as a CORS preflight from a listed origin, and what the core decides. */
class CorsPreflightTest {
  private static final Set<String> LISTED =
      Set.of("https://ui.example.com", "http://kiosk.localhost:3000");

  @ParameterizedTest
  @ValueSource(
      strings = {"https://ui.example.com", "http://kiosk.localhost:3000", "HTTPS://UI.Example.COM"})
  void theListedOriginsMatchWithRfc6454sCaseRules(String origin) {
    assertThat(CorsPreflight.matches(origin, LISTED)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "null",
        "*",
        "https://ui.example.com/",
        "https://ui.example.com/path",
        "https://ui.example.com.",
        "https://ui.example.com:443",
        "https://user@ui.example.com",
        "https://ui.example.com@evil.example",
        "https://ui%2eexample.com",
        "https://ui.example.com%00",
        "https://ui.example.com, https://evil.example",
        "https://ui.example.com https://evil.example",
        "http://ui.example.com",
        "https://evil.ui.example.com",
        "https://ui.example.com.evil.example",
        "http://kiosk.localhost:3001",
        "http://kiosk.localhost",
        "https://ui.example.com\t",
        // U+212A KELVIN SIGN: Java's equalsIgnoreCase takes it for a k; RFC 6454 folds ASCII only.
        "http://\u212Aiosk.localhost:3000",
        "https://u\u0130.example.com"
      })
  void anythingElseIsNotAListedOrigin(String origin) {
    assertThat(CorsPreflight.matches(origin, LISTED)).as(origin).isFalse();
    assertThat(CorsPreflight.matches(null, LISTED)).isFalse();
  }

  @Test
  void aPreflightIsTheProxysOptionsWithAnAcrmAndAListedOrigin() {
    assertThat(preflight("OPTIONS", "Origin", "https://ui.example.com", acrm()).from(LISTED))
        .isTrue();
    // The method as the proxy reports it, case-sensitive as HTTP methods are.
    assertThat(preflight("options", "Origin", "https://ui.example.com", acrm()).from(LISTED))
        .isFalse();
    assertThat(preflight("GET", "Origin", "https://ui.example.com", acrm()).from(LISTED)).isFalse();
    assertThat(preflight(null, "Origin", "https://ui.example.com", acrm()).from(LISTED)).isFalse();
    // No Access-Control-Request-Method (or an empty one): a plain OPTIONS, which needs a token.
    assertThat(preflight("OPTIONS", "Origin", "https://ui.example.com").from(LISTED)).isFalse();
    assertThat(
            preflight(
                    "OPTIONS",
                    "Origin",
                    "https://ui.example.com",
                    "Access-Control-Request-Method",
                    "")
                .from(LISTED))
        .isFalse();
    assertThat(preflight("OPTIONS", "Origin", "https://evil.example", acrm()).from(LISTED))
        .isFalse();
    assertThat(preflight("OPTIONS", acrm()).from(LISTED)).isFalse();
    // An app that lists nothing: nothing is a preflight, whatever the request.
    assertThat(preflight("OPTIONS", "Origin", "https://ui.example.com", acrm()).from(Set.of()))
        .isFalse();
    assertThat(CorsPreflight.NONE.from(LISTED)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-HTTP-Method-Override", "X-HTTP-Method", "x-method-override"})
  void aMethodOverrideDisqualifiesThePreflight(String header) {
    assertThat(
            preflight("OPTIONS", "Origin", "https://ui.example.com", acrm(), header, "POST")
                .from(LISTED))
        .isFalse();
  }

  @Test
  void repeatedHeadersThatDecideAreMalformed() {
    assertThatThrownBy(
            () ->
                preflight(
                        "OPTIONS",
                        "Origin",
                        "https://ui.example.com",
                        "Origin",
                        "https://ui.example.com",
                        acrm())
                    .from(LISTED))
        .isInstanceOf(RequestContext.MalformedRequest.class);
    assertThatThrownBy(
            () ->
                preflight(
                        "OPTIONS",
                        "Origin",
                        "https://ui.example.com",
                        acrm(),
                        "Access-Control-Request-Method",
                        "GET")
                    .from(LISTED))
        .isInstanceOf(RequestContext.MalformedRequest.class);
  }

  @Test
  void theCoreLetsOnlyCredentialLessPreflightsOfAppsThatListTheOriginThrough() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    AccessIndex index = new AccessIndex();
    index.syncedWhen(() -> true);
    Authorizer authorizer =
        new Authorizer(
            index, clock, new SessionCookie(Signer.of(null), clock, Duration.ofHours(1)));
    AiApp listing = app(List.of("https://ui.example.com"));
    AiApp notListing = app(null);
    index.putApp(listing);
    index.putApp(notListing);
    CorsPreflight good = preflight("OPTIONS", "Origin", "https://ui.example.com", acrm());

    Decision passed = authorizer.authorize(located(listing), new Credential.None(), good);
    assertThat(passed.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(passed.reason()).isEqualTo(Reason.CORS_PREFLIGHT);
    assertThat(passed.token()).isNull();

    assertThat(authorizer.authorize(located(notListing), new Credential.None(), good).reason())
        .isEqualTo(Reason.NO_TOKEN);
    // A credential is judged as a credential: a bad one does not become a preflight.
    assertThat(authorizer.authorize(located(listing), new Credential.Malformed(), good).reason())
        .isEqualTo(Reason.MALFORMED_TOKEN);
    assertThat(
            authorizer
                .authorize(located(listing), new Credential.Session("forged.value"), good)
                .reason())
        .isEqualTo(Reason.INVALID_SESSION);
    assertThat(
            authorizer
                .authorize(
                    located(listing),
                    new Credential.None(),
                    preflight("GET", "Origin", "https://ui.example.com", acrm()))
                .reason())
        .isEqualTo(Reason.NO_TOKEN);
  }

  private static String[] acrm() {
    return new String[] {"Access-Control-Request-Method", "POST"};
  }

  /** A check whose proxy reports {@code method} and the given header names and values. */
  private static CorsPreflight preflight(String method, Object... headers) {
    List<String[]> lines = new ArrayList<>();
    for (int i = 0; i < headers.length; i++) {
      if (headers[i] instanceof String[] pair) {
        lines.add(pair);
      } else {
        lines.add(new String[] {(String) headers[i], (String) headers[++i]});
      }
    }
    return new CorsPreflight(new FakeCheck(method, lines));
  }

  private static AiApp app(List<String> origins) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("app-" + UUID.randomUUID())
            .withUid(UUID.randomUUID().toString())
            .build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("hello");
    spec.setAccess(Access.Token);
    if (origins != null) {
      Cors cors = new Cors();
      cors.setAllowedOrigins(origins);
      spec.setCors(cors);
    }
    app.setSpec(spec);
    return app;
  }

  private static AppLocator.Located located(AiApp app) {
    return new AppLocator.Located(app.getMetadata().getUid(), false);
  }

  /** The headers of a check as a proxy passed them; nothing is answered. */
  private record FakeCheck(String method, List<String[]> headers) implements AuthCheck {
    private List<String> values(String name) {
      return headers.stream()
          .filter(h -> h[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
          .map(h -> h[1])
          .toList();
    }

    @Override
    public String header(String name) {
      List<String> values = values(name);
      if (values.size() > 1) {
        throw new RequestContext.MalformedRequest();
      }
      return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String listHeader(String name) {
      List<String> values = values(name);
      return values.isEmpty() ? null : String.join(",", values);
    }

    @Override
    public GatewayMetrics.Route route() {
      return GatewayMetrics.Route.AUTH;
    }

    @Override
    public AppLocator.Located app(AppLocator locator) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String sessionCookie() {
      return null;
    }

    @Override
    public ProxyAdapter.BrowserRequest browserRequest() {
      return null;
    }

    @Override
    public boolean passesRedirects() {
      return false;
    }

    @Override
    public AuthCheck status(int status) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AuthCheck header(CharSequence name, CharSequence value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void end(String body) {
      throw new UnsupportedOperationException();
    }
  }
}
