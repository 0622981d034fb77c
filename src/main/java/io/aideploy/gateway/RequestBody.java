package io.aideploy.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * A request body read into memory up to a bound: a larger one is answered 413 as soon as it is
 * known to be larger (from Content-Length, or once the bytes received pass the bound), so no client
 * can make the gateway buffer more than the bound.
 */
final class RequestBody {
  private RequestBody() {}

  /** Calls {@code then} with the whole body, or answers 413 when it exceeds {@code maxBytes}. */
  static void read(HttpServerRequest request, int maxBytes, Consumer<byte[]> then) {
    String length = request.getHeader("Content-Length");
    if (length != null && declaredLength(length) > maxBytes) {
      tooLarge(request, maxBytes);
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      // curl asks before sending a body over 1 KiB; without an answer it waits a second.
      request.response().writeContinue();
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if (body.length() + chunk.length() > maxBytes) {
            refused[0] = true;
            tooLarge(request, maxBytes);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        done -> {
          if (!refused[0]) {
            then.accept(body.getBytes());
          }
        });
  }

  private static long declaredLength(String header) {
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void tooLarge(HttpServerRequest request, int maxBytes) {
    // The rest of the body is not read: close the connection rather than drain it.
    request.response().putHeader("Connection", "close");
    LifecycleApi.error(request, 413, "the request body is larger than " + maxBytes / 1024 + " KiB");
  }
}
