package io.aideploy.gateway;

import static io.aideploy.gateway.TestResources.createApp;
import static io.aideploy.gateway.TestResources.createToken;
import static io.aideploy.gateway.TestResources.publishNewValue;
import static io.aideploy.gateway.TestResources.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.crypto.TokenValue;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.aideploy.testing.TestOperator;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Envoy's gRPC ext_authz against the HTTP Envoy endpoint: a real grpc-java client, built from
 * Envoy's own protos, sends each case of the decision matrix as Envoy would ({@code
 * attributes.request.http} with the host, method, path and lowercased headers), and the same case
 * goes to {@code /auth/envoy} as Envoy's HTTP service would send it. Both must give the same
 * answer, and the answer expected, including for hostile paths, queries and headers that the client
 * controls.
 */
@ExtendWith(LocalControlPlane.class)
class GrpcExtAuthzIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static KubernetesClient client;
  private static Vertx vertx;
  private static SimpleMeterRegistry registry;
  private static GatewayRuntime gateway;
  private static ManagedChannel channel;
  private static AuthorizationGrpc.AuthorizationBlockingStub grpc;

  private static AiApp secret;
  private static AiApp open;
  private static AiApp mine;
  private static String mineOnly;
  private static String otherNamespace;
  private static String regenerated;

  @BeforeAll
  static void start(KubernetesClient kubernetes) {
    client = kubernetes;
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    // The matrix refuses many token values from one address: no 429 in the way.
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

    String ns = TestNamespaces.create(client, "grpc");
    secret = createApp(client, ns, "secret", Map.of("group", "A"), Access.Token);
    open = createApp(client, ns, "open", Map.of("group", "B"), Access.Public);
    mine = createApp(client, ns, "mine", Map.of("group", "C"), Access.Token);
    mineOnly = createToken(client, ns, "mine-only", Role.Operator, "ovh/id=" + uid(mine), null);
    regenerated = createToken(client, ns, "rotated", Role.Reader, "group=A", null);
    publishNewValue(client, ns, "rotated");
    String other = TestNamespaces.create(client, "grpc-other");
    otherNamespace = createToken(client, other, "everything", Role.Operator, "", null);
    // Every token and app in the index: each credential gets its final answer over HTTP.
    for (String value : List.of(mineOnly, otherNamespace)) {
      await().atMost(WAIT).until(() -> http(call("GET", mine, "/", bearer(value))).status() != 401);
    }
    await().atMost(WAIT).until(() -> http(call("GET", open, "/")).status() == 200);
    await().atMost(WAIT).until(() -> http(call("GET", secret, "/")).status() == 401);
    await()
        .atMost(WAIT)
        .until(() -> http(call("GET", secret, "/", bearer(regenerated))).status() == 401);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** One request as the browser made it: method, host, target and headers, in order. */
  private record Call(String method, String host, String target, List<String[]> headers) {}

  private record Case(String what, int expected, Call call) {}

  @Test
  void grpcAndHttpGiveTheSameDecisionForTheWholeMatrix() {
    assertSameDecisions(matrix(), grpc::check);
  }

  @Test
  void theClientControlsNothingButItsCredential() {
    assertSameDecisions(hostile(), grpc::check);
  }

  @Test
  void grpcurlGetsTheSameDecisionsAsTheHttpEndpoint() {
    Grpcurl grpcurl = Grpcurl.required();
    List<Case> all = new ArrayList<>(matrix());
    all.addAll(hostile());
    assertSameDecisions(all, request -> grpcurl.check(gateway.grpcPort(), request));
  }

  private static List<Case> matrix() {
    String html = "Accept: text/html";
    return List.of(
        new Case("allowed", 200, call("POST", mine, "/v1/predict", bearer(mineOnly))),
        new Case("public app", 200, call("GET", open, "/")),
        new Case("no token", 401, call("POST", secret, "/v1/predict")),
        new Case("malformed token", 401, call("GET", secret, "/", "Authorization: Bearer x")),
        new Case("not a bearer", 401, call("GET", secret, "/", "Authorization: Basic eDp5")),
        new Case("unknown token", 401, call("GET", secret, "/", bearer(TokenValue.generate()))),
        new Case("regenerated", 401, call("GET", secret, "/", bearer(regenerated))),
        new Case("out of scope", 403, call("GET", secret, "/", bearer(mineOnly))),
        new Case("other namespace", 403, call("GET", secret, "/", bearer(otherNamespace))),
        new Case(
            "unknown app",
            403,
            new Call(
                "GET",
                "0a0a0a0a-0000-4000-8000-000000000000." + TestOperator.BASE_DOMAIN,
                "/",
                List.of())),
        new Case("bad session", 401, call("GET", secret, "/", cookie("forged.value"))),
        new Case("page load without a session", 303, call("GET", secret, "/page?x=1", html)),
        new Case("page load with a bad ticket", 401, call("GET", secret, "/?aideploy_ticket=x")),
        new Case("host not an app", 403, new Call("GET", "example.com", "/", List.of())),
        new Case("host with a bad port", 400, new Call("GET", host(open) + ":x", "/", List.of())));
  }

  private static List<Case> hostile() {
    String bearer = bearer(mineOnly);
    return List.of(
        new Case("app in the query", 401, call("GET", secret, "/x?app=" + uid(open))),
        new Case(
            "app twice", 401, call("GET", secret, "/x?app=" + uid(open) + "&app=" + uid(mine))),
        new Case("app encoded", 401, call("GET", secret, "/x?%61pp=" + uid(open))),
        new Case(
            "encoded separators to the nginx check",
            401,
            call("GET", secret, "/..%2F..%2Fauth%3Fapp%3D" + uid(open))),
        new Case(
            "dot segments to the nginx check",
            401,
            call("GET", secret, "/../../auth?app=" + uid(open))),
        new Case("backslashes", 401, call("GET", secret, "/..\\..\\login")),
        new Case(
            "ingress-nginx's header",
            401,
            call("GET", secret, "/", "X-Original-URL: https://" + host(open) + "/")),
        new Case(
            "Traefik's headers",
            401,
            call(
                "GET",
                secret,
                "/",
                "X-Forwarded-Host: " + host(open),
                "X-Forwarded-Uri: /?app=" + uid(open))),
        new Case("RFC 7239 header", 401, call("GET", secret, "/", "Forwarded: host=" + host(open))),
        new Case(
            "forged identity headers",
            401,
            call("GET", secret, "/", "X-Aideploy-Token: admin", "X-Aideploy-Role: Operator")),
        new Case(
            "my token, the app I may reach in the query",
            403,
            call("POST", secret, "/v1/predict?app=" + uid(mine), bearer)),
        new Case(
            "my token, my app's host in forwarded headers",
            403,
            call(
                "GET",
                secret,
                "/",
                bearer,
                "X-Forwarded-Host: " + host(mine),
                "X-Forwarded-For: 10.0.0.1")),
        new Case(
            "my token on my app, forged identity",
            200,
            call("GET", mine, "/?app=" + uid(secret), bearer, "X-Aideploy-Role: Admin")));
  }

  @Test
  void aBrowserSignsInUsesItsSessionAndSignsOutOverGrpc() {
    // The login page hands the browser a ticket for the app (docs/gateway.md, sessions).
    String rd = "https://" + host(mine) + "/chat?x=1";
    RawHttp.Response page =
        RawHttp.request(
            gateway.port(), "GET", "/login?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8));
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).isTrue();
    String form =
        "token=" + encode(mineOnly) + "&rd=" + encode(rd) + "&csrf=" + encode(csrf.group(1));
    RawHttp.Response signedIn =
        RawHttp.withBody(
            gateway.port(),
            "POST",
            "/login",
            form,
            "Content-Type: application/x-www-form-urlencoded",
            "Origin: https://login.apps.test.local");
    assertThat(signedIn.status()).isEqualTo(303);
    String ticket = signedIn.header("Location").substring(("https://" + host(mine)).length());

    // Envoy passes the denied 303 on: the cookie goes to the browser, the ticket leaves the URL.
    CheckResponse handOff = grpc.check(request(call("GET", mine, ticket, "Accept: text/html")));
    assertThat(decision(handOff).status()).isEqualTo(303);
    assertThat(decision(handOff).location()).isEqualTo(rd);
    String setCookie = deniedHeader(handOff, "Set-Cookie");
    String session = setCookie.substring(0, setCookie.indexOf(';'));

    Call withSession = call("GET", mine, "/chat", "Cookie: other=1; " + session);
    assertThat(decision(grpc.check(request(withSession))))
        .isEqualTo(decision(http(withSession)))
        .extracting(Decision::status, Decision::token)
        .containsExactly(200, "mine-only");

    CheckResponse signOut =
        grpc.check(request(call("POST", mine, "/.aideploy/sign-out", "Cookie: " + session)));
    assertThat(decision(signOut).status()).isEqualTo(303);
    assertThat(deniedHeader(signOut, "Set-Cookie")).startsWith(SessionCookie.NAME + "=;");
    await().atMost(WAIT).until(() -> decision(grpc.check(request(withSession))).status() == 401);
    assertThat(decision(http(withSession)).status()).isEqualTo(401);
  }

  @Test
  void allowedAnswersCarryOnlyTheGatewaysIdentityHeaders() {
    CheckResponse mineAllowed =
        grpc.check(
            request(
                call(
                    "GET",
                    mine,
                    "/",
                    bearer(mineOnly),
                    "X-Aideploy-Token: admin",
                    "X-Aideploy-Something: forged")));
    assertThat(mineAllowed.getStatus().getCode()).isZero();
    assertThat(upstreamHeaders(mineAllowed))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("X-Aideploy-Token", "mine-only", "X-Aideploy-Role", "Operator"));
    assertThat(mineAllowed.getOkResponse().getHeadersToRemoveList())
        .containsExactly("x-aideploy-something");

    // A Public app gets no identity: whatever the client wrote is removed, not passed on.
    CheckResponse publicAllowed =
        grpc.check(
            request(
                call("GET", open, "/", "X-Aideploy-Token: admin", "X-Aideploy-Role: Operator")));
    assertThat(publicAllowed.getStatus().getCode()).isZero();
    assertThat(publicAllowed.getOkResponse().getHeadersList()).isEmpty();
    assertThat(publicAllowed.getOkResponse().getHeadersToRemoveList())
        .containsExactlyInAnyOrder("x-aideploy-token", "x-aideploy-role");
  }

  @Test
  void repeatedHeadersInEnvoysRawHeaderMapAreMalformedAsOverHttp() {
    Call twice = call("GET", secret, "/", bearer(mineOnly), bearer(TokenValue.generate()));
    assertThat(http(twice).status()).isEqualTo(400);
    CheckRequest raw = request(twice);
    AttributeContext.HttpRequest.Builder http =
        raw.getAttributes().getRequest().getHttp().toBuilder();
    http.clearHeaders();
    for (String[] header : twice.headers()) {
      http.getHeaderMapBuilder()
          .addHeaders(
              HeaderValue.newBuilder()
                  .setKey(header[0].toLowerCase(Locale.ROOT))
                  .setRawValue(com.google.protobuf.ByteString.copyFromUtf8(header[1])));
    }
    CheckRequest.Builder builder = raw.toBuilder();
    builder.getAttributesBuilder().getRequestBuilder().setHttp(http);
    assertThat(decision(grpc.check(builder.build())).status()).isEqualTo(400);
  }

  @Test
  void malformedChecksAreDeniedAndOversizedOnesRefused() {
    // No attributes at all: no host, so no app.
    assertThat(decision(grpc.check(CheckRequest.getDefaultInstance())).status()).isEqualTo(400);
    // Beyond the size bound the call fails, which Envoy (failure_mode_allow: false) denies.
    Call huge = call("GET", open, "/", "X-Padding: " + "a".repeat(GrpcAuthServer.MAX_CHECK_BYTES));
    assertThatThrownBy(() -> grpc.check(request(huge)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    // The server is still there.
    assertThat(decision(grpc.check(request(call("GET", open, "/")))).status()).isEqualTo(200);
  }

  @Test
  void grpcChecksAreCountedUnderTheirOwnRoute() {
    double before = grpcCount("forbidden", "out_of_scope");
    grpc.check(request(call("GET", secret, "/", bearer(mineOnly))));
    assertThat(grpcCount("forbidden", "out_of_scope")).isEqualTo(before + 1);
  }

  @Test
  void unavailableUntilSynced() {
    try (KubernetesClient nowhere = TestResources.unreachableApi()) {
      GatewayRuntime unsynced =
          GatewayRuntime.start(
              nowhere,
              TestOperator.settings().toBuilder().grpcPort(0).build(),
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              vertx);
      ManagedChannel local =
          NettyChannelBuilder.forAddress("127.0.0.1", unsynced.grpcPort()).usePlaintext().build();
      try {
        Call call = call("GET", mine, "/", bearer(mineOnly));
        Decision overHttp =
            decision(
                RawHttp.request(
                    unsynced.port(), call.method(), "/auth/envoy" + call.target(), lines(call)));
        Decision overGrpc = decision(AuthorizationGrpc.newBlockingStub(local).check(request(call)));
        assertThat(overHttp.status()).isEqualTo(503);
        assertThat(overGrpc).isEqualTo(overHttp);
      } finally {
        local.shutdownNow();
        unsynced.close();
      }
    }
  }

  // --- the two ways in ---

  /** What a check answered: status and the headers that carry the decision. */
  private record Decision(
      int status, String location, String challenge, String token, String role) {}

  private void assertSameDecisions(List<Case> cases, Function<CheckRequest, CheckResponse> client) {
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      Decision overHttp = decision(http(c.call()));
      Decision overGrpc = decision(client.apply(request(c.call())));
      if (overHttp.status() != c.expected() || !overGrpc.equals(overHttp)) {
        wrong.add(
            c.what() + ": expected " + c.expected() + ", HTTP " + overHttp + ", gRPC " + overGrpc);
      }
    }
    assertThat(wrong).as("cases answered otherwise than expected").isEmpty();
  }

  /** The call as Envoy's HTTP service sends it: prefix + the browser's target, its Host. */
  private static RawHttp.Response http(Call call) {
    return RawHttp.request(
        gateway.port(), call.method(), "/auth/envoy" + call.target(), lines(call));
  }

  private static String[] lines(Call call) {
    List<String> lines = new ArrayList<>();
    lines.add("Host: " + call.host());
    call.headers().forEach(h -> lines.add(h[0] + ": " + h[1]));
    return lines.toArray(String[]::new);
  }

  /** The call as Envoy's gRPC client sends it: lowercased headers, repeated ones joined. */
  private static CheckRequest request(Call call) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String[] header : call.headers()) {
      headers.merge(header[0].toLowerCase(Locale.ROOT), header[1], (a, b) -> a + "," + b);
    }
    CheckRequest.Builder request = CheckRequest.newBuilder();
    request
        .getAttributesBuilder()
        .setSource(
            AttributeContext.Peer.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder()
                                .setAddress("192.0.2.7")
                                .setPortValue(40000))))
        .getRequestBuilder()
        .getHttpBuilder()
        .setMethod(call.method())
        .setHost(call.host())
        .setPath(call.target())
        .setScheme("https")
        .setProtocol("HTTP/1.1")
        .putAllHeaders(headers);
    return request.build();
  }

  private static Decision decision(RawHttp.Response response) {
    return new Decision(
        response.status(),
        response.header("Location"),
        response.header("WWW-Authenticate"),
        response.status() == 200 ? response.header("X-Aideploy-Token") : null,
        response.status() == 200 ? response.header("X-Aideploy-Role") : null);
  }

  private static Decision decision(CheckResponse response) {
    if (response.hasOkResponse() && response.getStatus().getCode() == 0) {
      Map<String, String> upstream = upstreamHeaders(response);
      return new Decision(
          200, null, null, upstream.get("X-Aideploy-Token"), upstream.get("X-Aideploy-Role"));
    }
    assertThat(response.getStatus().getCode()).as("a denial's gRPC status").isNotZero();
    Map<String, String> headers = new LinkedHashMap<>();
    response
        .getDeniedResponse()
        .getHeadersList()
        .forEach(h -> headers.put(h.getHeader().getKey(), h.getHeader().getValue()));
    return new Decision(
        response.getDeniedResponse().getStatus().getCodeValue(),
        headers.get("Location"),
        headers.get("WWW-Authenticate"),
        null,
        null);
  }

  private static Map<String, String> upstreamHeaders(CheckResponse response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HeaderValueOption option : response.getOkResponse().getHeadersList()) {
      assertThat(option.getAppendAction())
          .isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
      headers.put(option.getHeader().getKey(), option.getHeader().getValue());
    }
    return headers;
  }

  private double grpcCount(String result, String reason) {
    Counter counter =
        registry
            .find("aideploy.gateway.decisions")
            .tags("route", "grpc", "result", result, "reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static Call call(String method, AiApp app, String target, String... headerLines) {
    List<String[]> headers = new ArrayList<>();
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
    }
    return new Call(method, host(app), target, headers);
  }

  private static String deniedHeader(CheckResponse response, String name) {
    return response.getDeniedResponse().getHeadersList().stream()
        .filter(h -> h.getHeader().getKey().equals(name))
        .map(h -> h.getHeader().getValue())
        .findFirst()
        .orElse(null);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String bearer(String value) {
    return "Authorization: Bearer " + value;
  }

  private static String cookie(String value) {
    return "Cookie: " + SessionCookie.NAME + "=" + value;
  }

  private static String host(AiApp app) {
    return uid(app) + "." + TestOperator.BASE_DOMAIN;
  }
}
