package io.aideploy.gateway;

import io.vertx.core.http.HttpServerRequest;

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

  /** The single value of a query parameter, or null; repeated or undecodable is malformed. */
  static String queryParam(HttpServerRequest request, String name) {
    String plain = plainSoleParam(request.query(), name);
    if (plain != null) {
      return plain;
    }
    java.util.List<String> values;
    try {
      values = request.params().getAll(name);
    } catch (RuntimeException e) {
      // Bad percent-escapes or bad UTF-8 in the query.
      throw new MalformedRequest();
    }
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new MalformedRequest();
    }
    return values.get(0);
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
