package io.aideploy.gateway;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A check that Envoy made over gRPC ({@code envoy.service.auth.v3.Authorization/Check}), read the
 * way {@link EnvoyAdapter} reads the HTTP one: the app from {@code attributes.request.http.host}
 * (Envoy's {@code :authority}) and nothing else; the path and query in {@code http.path} are the
 * browser's, data for the sign-in hand-off and sign-out only. The headers are those of the
 * browser's request: {@code header_map} when Envoy sends it ({@code encode_raw_headers}, one entry
 * per header line, so a repeated header is seen as such), else the {@code headers} map.
 *
 * <p>The answer that {@link AuthEndpoint} writes becomes a {@link CheckResponse}: a 200 an {@link
 * OkHttpResponse} whose {@code X-Aideploy-*} headers replace the request's and which removes every
 * other {@code X-Aideploy-*} header the client sent; anything else a {@link DeniedHttpResponse}
 * with the same status, headers and body, which Envoy sends to the browser as they are.
 */
final class GrpcCheck implements AuthCheck {
  /** The prefix of the headers the gateway sets on an allowed request, lower case. */
  static final String OWN_HEADER_PREFIX = "x-aideploy-";

  private final AttributeContext.HttpRequest http;
  private final Consumer<CheckResponse> answer;
  private final List<HeaderValue> answerHeaders = new ArrayList<>(4);
  private int status;
  private boolean ended;

  GrpcCheck(CheckRequest request, Consumer<CheckResponse> answer) {
    this.http = request.getAttributes().getRequest().getHttp();
    this.answer = answer;
  }

  @Override
  public GatewayMetrics.Route route() {
    return GatewayMetrics.Route.GRPC;
  }

  @Override
  public AppLocator.Located app(AppLocator locator) {
    String host = http.getHost();
    return host.isEmpty() ? AppLocator.Located.MALFORMED : locator.fromHost(host);
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
  public String sessionCookie() {
    List<String> headers = values("cookie");
    if (headers.isEmpty()) {
      return null;
    }
    try {
      // The decoder that Vert.x uses for the HTTP endpoints' cookies.
      for (Cookie cookie : ServerCookieDecoder.STRICT.decode(String.join("; ", headers))) {
        if (cookie.name().equals(SessionCookie.NAME)) {
          return cookie.value();
        }
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  @Override
  public String method() {
    String method = http.getMethod();
    return method.isEmpty() ? null : method;
  }

  @Override
  public ProxyAdapter.BrowserRequest browserRequest() {
    String method = http.getMethod();
    return EnvoyAdapter.browserRequest(method.isEmpty() ? "GET" : method, http.getPath());
  }

  @Override
  public boolean passesRedirects() {
    return true; // a denied response's status, headers and body go to the browser
  }

  @Override
  public AuthCheck status(int status) {
    this.status = status;
    return this;
  }

  @Override
  public AuthCheck header(CharSequence name, CharSequence value) {
    answerHeaders.add(
        HeaderValue.newBuilder().setKey(name.toString()).setValue(value.toString()).build());
    return this;
  }

  @Override
  public void end(String body) {
    if (ended) {
      return;
    }
    ended = true;
    answer.accept(status == 200 ? allowed() : denied(status, body));
  }

  /** Whether the answer has been sent. */
  boolean ended() {
    return ended;
  }

  private CheckResponse allowed() {
    OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
    List<String> set = new ArrayList<>(2);
    for (HeaderValue header : answerHeaders) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(OWN_HEADER_PREFIX)) {
        ok.addHeaders(option(header));
        set.add(name);
      } else if (name.equals("set-cookie")) {
        ok.addResponseHeadersToAdd(option(header));
      }
    }
    for (String name : requestHeaderNames()) {
      if (name.startsWith(OWN_HEADER_PREFIX)
          && !set.contains(name)
          && !ok.getHeadersToRemoveList().contains(name)) {
        ok.addHeadersToRemove(name); // forged by the client: the app must only see ours
      }
    }
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(Code.OK_VALUE))
        .setOkResponse(ok)
        .build();
  }

  private CheckResponse denied(int httpStatus, String body) {
    DeniedHttpResponse.Builder denied =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCodeValue(httpStatus))
            .setBody(body);
    answerHeaders.forEach(header -> denied.addHeaders(option(header)));
    int code = httpStatus == 401 ? Code.UNAUTHENTICATED_VALUE : Code.PERMISSION_DENIED_VALUE;
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(code))
        .setDeniedResponse(denied)
        .build();
  }

  private static HeaderValueOption option(HeaderValue header) {
    return HeaderValueOption.newBuilder()
        .setHeader(header)
        .setAppendAction(HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  /** The values of a request header, one per header line, in order. */
  private List<String> values(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    List<String> values = new ArrayList<>(1);
    if (http.hasHeaderMap() && http.getHeaderMap().getHeadersCount() > 0) {
      for (HeaderValue header : http.getHeaderMap().getHeadersList()) {
        if (header.getKey().equalsIgnoreCase(key)) {
          values.add(valueOf(header));
        }
      }
      return values;
    }
    String value = http.getHeadersMap().get(key);
    if (value != null) {
      values.add(value);
    }
    return values;
  }

  private List<String> requestHeaderNames() {
    List<String> names = new ArrayList<>();
    if (http.hasHeaderMap() && http.getHeaderMap().getHeadersCount() > 0) {
      http.getHeaderMap()
          .getHeadersList()
          .forEach(header -> names.add(header.getKey().toLowerCase(Locale.ROOT)));
    } else {
      http.getHeadersMap().keySet().forEach(key -> names.add(key.toLowerCase(Locale.ROOT)));
    }
    return names;
  }

  /** With {@code encode_raw_headers} the value comes as bytes, read as an HTTP/1 codec would. */
  private static String valueOf(HeaderValue header) {
    return header.getRawValue().isEmpty()
        ? header.getValue()
        : header.getRawValue().toString(StandardCharsets.ISO_8859_1);
  }
}
