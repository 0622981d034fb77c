package io.aideploy.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The clients of a streaming app, through a proxy on port 443 of a loopback address: {@code curl
 * -N} reading Server-Sent Events line by line as they arrive, and a WebSocket handshake and echo
 * over TLS (curl 7.88 has no WebSocket support). The proxies' certificates are self-signed, so
 * neither checks them; nothing here connects anywhere but the given loopback address.
 */
final class StreamClients {
  /** Longest wait for one line of a stream or one WebSocket frame. */
  static final int WAIT_SECONDS = 60;

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private StreamClients() {}

  /** {@code curl -N} on {@code https://host/path}: its output, one line at a time. */
  static final class EventStream implements AutoCloseable {
    private static final String END = "\u0000end";
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final long started = System.nanoTime();

    EventStream(String address, String host, String path, String... headers) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "curl",
                  "-N",
                  "-s",
                  "-k",
                  "--max-time",
                  "300",
                  "--resolve",
                  host + ":443:" + address));
      for (String header : headers) {
        command.addAll(List.of("-H", header));
      }
      command.add("https://" + host + path);
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the stream ended
                } finally {
                  lines.add(END);
                }
              },
              "event-stream-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next {@code data:} line, or empty when the stream ended first (or after the wait). */
    Optional<String> nextData() throws InterruptedException {
      return nextData(WAIT_SECONDS);
    }

    /** As {@link #nextData()}, waiting at most {@code seconds} for each line. */
    Optional<String> nextData(int seconds) throws InterruptedException {
      while (true) {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
          throw new AssertionError("no line within " + seconds + " s");
        }
        if (line.equals(END)) {
          return Optional.empty();
        }
        if (line.startsWith("data:")) {
          return Optional.of(line.substring(5).strip());
        }
      }
    }

    /** Milliseconds since curl was started. */
    long elapsedMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The status of a WebSocket handshake, and what came back for the one message sent after it. */
  record WebSocketResult(int status, String echoed) {}

  /**
   * Opens a WebSocket to {@code wss://host/path} (with the extra {@code headers}, "Name: value"),
   * and when the handshake succeeds sends {@code message} as one text frame and reads one frame.
   */
  static WebSocketResult webSocket(
      String address, String host, String path, String message, String... headers)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) trustingContext().getSocketFactory().createSocket()) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      socket.setSSLParameters(parameters);
      socket.connect(new InetSocketAddress(address, 443), 10_000);
      socket.setSoTimeout(WAIT_SECONDS * 1000);
      byte[] nonce = new byte[16];
      new SecureRandom().nextBytes(nonce);
      String key = Base64.getEncoder().encodeToString(nonce);
      StringBuilder request =
          new StringBuilder("GET " + path + " HTTP/1.1\r\n")
              .append("Host: ")
              .append(host)
              .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
              .append("Sec-WebSocket-Key: ")
              .append(key)
              .append("\r\nSec-WebSocket-Version: 13\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      int status = Integer.parseInt(head.substring(9, 12));
      if (status != 101) {
        return new WebSocketResult(status, null);
      }
      String accept =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-1")
                      .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
      if (!head.toLowerCase().contains("sec-websocket-accept: " + accept.toLowerCase())) {
        throw new IOException("wrong Sec-WebSocket-Accept in\n" + head);
      }
      out.write(maskedTextFrame(message));
      out.flush();
      int first = in.read();
      int length = in.read() & 0x7F;
      if (first != 0x81 || length >= 126) {
        throw new IOException("not one short text frame: " + first + " " + length);
      }
      return new WebSocketResult(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** A client's frame must be masked (RFC 6455, 5.3). */
  private static byte[] maskedTextFrame(String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    if (payload.length >= 126) {
      throw new IllegalArgumentException("short messages only");
    }
    byte[] mask = new byte[4];
    new SecureRandom().nextBytes(mask);
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** The proxies here serve self-signed certificates made by the tests. */
  private static SSLContext trustingContext() throws GeneralSecurityException {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
    return context;
  }
}
