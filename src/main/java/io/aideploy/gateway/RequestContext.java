package io.aideploy.gateway;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/** Small helpers to read a request; malformed input becomes {@link MalformedRequest}. */
final class RequestContext {
  private RequestContext() {}

  /** Thrown for input that cannot be read unambiguously; answered with 400. */
  static final class MalformedRequest extends RuntimeException {
    MalformedRequest() {
      // No message and no stack trace: it carries nothing from the request, and is frequent.
      super(null, null, false, false);
    }
  }

  /**
   * The single value of a header, or null when absent. A header sent twice is ambiguous (two
   * proxies disagreeing, or a client smuggling a second one), so it is malformed.
   */
  static String header(HttpServerRequest request, String name) {
    var values = request.headers().getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new MalformedRequest();
    }
    return values.get(0);
  }

  /** All values of a header joined with commas, as RFC 9110 allows for list headers. */
  static String listHeader(HttpServerRequest request, String name) {
    var values = request.headers().getAll(name);
    return values.isEmpty() ? null : String.join(",", values);
  }

  /**
   * The single value of a query parameter, or null; repeated or undecodable is malformed. Names are
   * compared exactly after decoding (Vert.x's own parameter map ignores case, so {@code APP} would
   * count as {@code app}), and only {@code &} separates pairs.
   */
  static String queryParam(HttpServerRequest request, String name) {
    String query = request.query();
    String plain = plainSoleParam(query, name);
    if (plain != null) {
      return plain;
    }
    if (query == null || query.isEmpty()) {
      return null;
    }
    String found = null;
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      if (key.equals(name)) {
        if (found != null) {
          throw new MalformedRequest();
        }
        found = equals < 0 ? "" : decode(pair.substring(equals + 1));
      }
    }
    return found;
  }

  private static String decode(String component) {
    try {
      return QueryStringDecoder.decodeComponent(component, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new MalformedRequest(); // a broken percent-escape
    }
  }

  /**
   * The value when {@code query} is exactly {@code name=value} with nothing to decode, as in the
   * {@code /auth?app=<id>} that the operator writes into every ingress: that query is then read
   * without building the whole parameter map. Null for anything else, which takes the general path.
   */
  static String plainSoleParam(String query, String name) {
    int start = name.length() + 1;
    if (query == null
        || query.length() <= start
        || !query.startsWith(name)
        || query.charAt(name.length()) != '=') {
      return null;
    }
    for (int i = start; i < query.length(); i++) {
      char c = query.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!plain) {
        return null;
      }
    }
    return query.substring(start);
  }
}
