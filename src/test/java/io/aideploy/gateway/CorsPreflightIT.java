package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Cors;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CORS preflight decision (docs/gateway.md, docs/security.md) on the real control plane, for
 * every way a proxy asks: ingress-nginx and Traefik's ingress-nginx provider at {@code /auth},
 * Traefik ForwardAuth, Envoy over HTTP and over gRPC. Each case is one browser request, and each
 * proxy renders it as that proxy does: its own method header (or the check's own method) from the
 * request's real method, replacing a client header of the same name, and every other client header
 * passed on. Only an OPTIONS with a listed Origin and an Access-Control-Request-Method, without
 * credentials, gets through without a token; nothing a client writes can make another request one.
 */
@ExtendWith(LocalControlPlane.class)
class CorsPreflightIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String UI = "https://ui.example.com";

  private static KubernetesClient client;
  private static Vertx vertx;
  private static SimpleMeterRegistry registry;
  private static GatewayRuntime gateway;
  private static ManagedChannel channel;
  private static AuthorizationGrpc.AuthorizationBlockingStub grpc;

  private static AiApp listing;
  private static AiApp notListing;
  private static String covering;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    gateway =
        GatewayRuntime.start(
            client,
            TestOperator.settings().toBuilder().failedAuthLimit(10_000).grpcPort(0).build(),
            registry,
            Clock.systemUTC(),
            vertx);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
    grpc = AuthorizationGrpc.newBlockingStub(channel);
    await().atMost(WAIT).until(gateway::isReady);

    String ns = TestNamespaces.create(client, "cors");
    listing = withOrigins(createApp(client, ns, "ui-api", Map.of("group", "A"), Access.Token), UI);
    notListing = createApp(client, ns, "plain", Map.of("group", "A"), Access.Token);
    covering = createToken(client, ns, "group-a", Role.Reader, "group=A", null);
    // Both apps (spec.cors travels with its app) and the token are in the gateway's index.
    for (AiApp app : List.of(listing, notListing)) {
      await()
          .atMost(WAIT)
          .until(() -> Proxy.ENVOY.ask(app, new Call("GET", bearer(covering))).status() == 200);
    }
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** The browser's request: its real method and the headers the client wrote. */
  private record Call(String method, String... headers) {}

  private record Case(String what, int expected, AiApp app, Call call) {}

  /** What a check answered: its status and the identity the app would get. */
  private record Answer(int status, String token) {}

  @Test
  void onlyCredentialLessPreflightsFromAListedOriginPassOnEveryEndpoint() {
    List<String> wrong = new ArrayList<>();
    for (Proxy proxy : Proxy.values()) {
      for (Case c : matrix()) {
        // A preflight that passed carries no identity; a token that passed, its own.
        boolean bearer =
            Arrays.stream(c.call().headers()).anyMatch(h -> h.startsWith("Authorization:"));
        Answer expected =
            new Answer(c.expected(), c.expected() == 200 && bearer ? "group-a" : null);
        Answer answer = proxy.ask(c.app(), c.call());
        if (!answer.equals(expected)) {
          wrong.add(proxy + ", " + c.what() + ": expected " + expected + ", got " + answer);
        }
      }
    }
    assertThat(wrong).as("cases answered otherwise than expected").isEmpty();
  }

  private static List<Case> matrix() {
    String origin = "Origin: " + UI;
    String acrm = "Access-Control-Request-Method: POST";
    String acrh = "Access-Control-Request-Headers: authorization";
    return List.of(
        new Case("preflight from the listed origin", 200, listing, options(origin, acrm, acrh)),
        new Case(
            "same origin, other case",
            200,
            listing,
            options("Origin: HTTPS://UI.Example.COM", acrm, acrh)),
        new Case("with a good token", 200, listing, options(origin, acrm, bearer(covering))),
        new Case(
            "with a bad token", 401, listing, options(origin, acrm, "Authorization: Bearer x")),
        new Case(
            "with a forged session",
            401,
            listing,
            options(origin, acrm, "Cookie: " + SessionCookie.NAME + "=forged.value")),
        new Case("app that lists no origin", 401, notListing, options(origin, acrm, acrh)),
        new Case(
            "another origin", 401, listing, options("Origin: https://evil.example", acrm, acrh)),
        new Case("null origin", 401, listing, options("Origin: null", acrm, acrh)),
        new Case("origin with a path", 401, listing, options("Origin: " + UI + "/app", acrm, acrh)),
        new Case(
            "origin with a trailing slash",
            401,
            listing,
            options("Origin: " + UI + "/", acrm, acrh)),
        new Case(
            "origin with a trailing dot", 401, listing, options("Origin: " + UI + ".", acrm, acrh)),
        new Case(
            "origin with userinfo",
            401,
            listing,
            options("Origin: https://me@ui.example.com", acrm, acrh)),
        new Case(
            "origin percent-encoded",
            401,
            listing,
            options("Origin: https://ui%2Eexample.com", acrm, acrh)),
        new Case(
            "origin with the default port",
            401,
            listing,
            options("Origin: " + UI + ":443", acrm, acrh)),
        new Case(
            "listed origin as a subdomain",
            401,
            listing,
            options("Origin: https://ui.example.com.evil.example", acrm, acrh)),
        new Case(
            "two origins in one header",
            401,
            listing,
            options("Origin: " + UI + " https://evil.example", acrm, acrh)),
        new Case("OPTIONS without ACRM", 401, listing, options(origin, acrh)),
        new Case(
            "OPTIONS with an empty ACRM",
            401,
            listing,
            options(origin, "Access-Control-Request-Method:", acrh)),
        new Case("no Origin", 401, listing, options(acrm, acrh)),
        new Case("GET carrying ACRM", 401, listing, new Call("GET", origin, acrm, acrh)),
        new Case("POST carrying ACRM", 401, listing, new Call("POST", origin, acrm, acrh)),
        new Case(
            "method override", 401, listing, options(origin, acrm, "X-HTTP-Method-Override: POST")),
        new Case("X-HTTP-Method", 401, listing, options(origin, acrm, "X-HTTP-Method: DELETE")),
        new Case(
            "a GET claiming OPTIONS in every proxy's method header",
            401,
            listing,
            new Call(
                "GET", origin, acrm, "X-Original-Method: OPTIONS", "X-Forwarded-Method: OPTIONS")),
        new Case(
            "a POST claiming OPTIONS in every proxy's method header",
            401,
            listing,
            new Call(
                "POST",
                origin,
                acrm,
                "X-Original-Method: OPTIONS",
                "X-Forwarded-Method: OPTIONS")));
  }

  @Test
  void aPreflightIsCountedAndAuditedUnderItsOwnReason() {
    double auth = count("auth");
    double overGrpc = count("grpc");
    Call preflight = options("Origin: " + UI, "Access-Control-Request-Method: PUT");
    assertThat(Proxy.NGINX.ask(listing, preflight).status()).isEqualTo(200);
    assertThat(Proxy.GRPC.ask(listing, preflight).status()).isEqualTo(200);
    assertThat(count("auth")).isEqualTo(auth + 1);
    assertThat(count("grpc")).isEqualTo(overGrpc + 1);
  }

  @Test
  void aRepeatedOriginIsMalformedWhereTheGatewaySeesEachLine() {
    Call twice =
        options(
            "Origin: https://evil.example", "Origin: " + UI, "Access-Control-Request-Method: GET");
    for (Proxy proxy : List.of(Proxy.NGINX, Proxy.TRAEFIK, Proxy.ENVOY)) {
      assertThat(proxy.ask(listing, twice).status()).as(proxy.name()).isEqualTo(400);
    }
    // Envoy's gRPC headers map joins them with a comma: no listed origin is that.
    assertThat(Proxy.GRPC.ask(listing, twice).status()).isEqualTo(401);
  }

  private double count(String route) {
    Counter counter =
        registry
            .find("aideploy.gateway.decisions")
            .tags("route", route, "result", "allow", "reason", "cors_preflight")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  // --- how each proxy asks ---

  private enum Proxy {
    /**
     * ingress-nginx: a GET subrequest; X-Original-Method is nginx's, X-Forwarded-* the client's.
     */
    NGINX {
      @Override
      Answer ask(AiApp app, Call call) {
        List<String> lines = proxied(call, "X-Original-URL", "X-Original-Method");
        lines.add("X-Original-URL: https://" + host(app) + "/v1/chat");
        lines.add("X-Original-Method: " + call.method());
        return answer(
            RawHttp.request(gateway.port(), "GET", "/auth?app=" + uid(app), array(lines)));
      }
    },
    /**
     * Traefik's ingress-nginx provider: the same path, its own X-Forwarded-*, X-Original-* the
     * client's.
     */
    TRAEFIK_NGINX_PROVIDER {
      @Override
      Answer ask(AiApp app, Call call) {
        List<String> lines = traefikHeaders(app, call);
        return answer(
            RawHttp.request(gateway.port(), "GET", "/auth?app=" + uid(app), array(lines)));
      }
    },
    TRAEFIK {
      @Override
      Answer ask(AiApp app, Call call) {
        List<String> lines = traefikHeaders(app, call);
        return answer(RawHttp.request(gateway.port(), "GET", "/auth/traefik", array(lines)));
      }
    },
    /** Envoy's HTTP service: the browser's own method and Host, prefix + the browser's path. */
    ENVOY {
      @Override
      Answer ask(AiApp app, Call call) {
        List<String> lines = proxied(call, "Host");
        lines.add("Host: " + host(app));
        return answer(
            RawHttp.request(gateway.port(), call.method(), "/auth/envoy/v1/chat", array(lines)));
      }
    },
    /** Envoy's gRPC service: the method in attributes.request.http, headers lowercased, joined. */
    GRPC {
      @Override
      Answer ask(AiApp app, Call call) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : call.headers()) {
          int colon = line.indexOf(':');
          headers.merge(
              line.substring(0, colon).toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip(),
              (a, b) -> a + "," + b);
        }
        CheckRequest.Builder request = CheckRequest.newBuilder();
        request
            .getAttributesBuilder()
            .getRequestBuilder()
            .getHttpBuilder()
            .setMethod(call.method())
            .setHost(host(app))
            .setPath("/v1/chat")
            .setScheme("https")
            .putAllHeaders(headers);
        CheckResponse response = grpc.check(request.build());
        if (response.hasOkResponse() && response.getStatus().getCode() == 0) {
          return new Answer(
              200,
              response.getOkResponse().getHeadersList().stream()
                  .filter(h -> h.getHeader().getKey().equals(AuthEndpoint.TOKEN_HEADER))
                  .map(h -> h.getHeader().getValue())
                  .findFirst()
                  .orElse(null));
        }
        return new Answer(response.getDeniedResponse().getStatus().getCodeValue(), null);
      }
    };

    abstract Answer ask(AiApp app, Call call);
  }

  /** Traefik sets X-Forwarded-Host/-Uri/-Method itself (trustForwardHeader: false). */
  private static List<String> traefikHeaders(AiApp app, Call call) {
    List<String> lines = proxied(call, "X-Forwarded-Host", "X-Forwarded-Uri", "X-Forwarded-Method");
    lines.add("X-Forwarded-Host: " + host(app));
    lines.add("X-Forwarded-Uri: /v1/chat");
    lines.add("X-Forwarded-Method: " + call.method());
    return lines;
  }

  /** The client's header lines, without those the proxy sets itself (which replace them). */
  private static List<String> proxied(Call call, String... setByProxy) {
    List<String> lines = new ArrayList<>();
    for (String line : call.headers()) {
      String name = line.substring(0, line.indexOf(':'));
      if (List.of(setByProxy).stream().noneMatch(name::equalsIgnoreCase)) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static Answer answer(RawHttp.Response response) {
    return new Answer(
        response.status(),
        response.status() == 200 ? response.header(AuthEndpoint.TOKEN_HEADER) : null);
  }

  private static String[] array(List<String> lines) {
    return lines.toArray(String[]::new);
  }

  private static Call options(String... headers) {
    return new Call("OPTIONS", headers);
  }

  private static String bearer(String value) {
    return "Authorization: Bearer " + value;
  }

  private static String host(AiApp app) {
    return uid(app) + "." + TestOperator.BASE_DOMAIN;
  }

  private static AiApp withOrigins(AiApp app, String... origins) {
    return client
        .resource(app)
        .edit(
            a -> {
              Cors cors = new Cors();
              cors.setAllowedOrigins(List.of(origins));
              a.getSpec().setCors(cors);
              return a;
            });
  }
}
