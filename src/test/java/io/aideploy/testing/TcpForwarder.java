package io.aideploy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a fixed local port that tests start, stop or freeze, to make the API server
 * unreachable (not yet up, gone mid-watch, or silently partitioned) from the gateway's point of
 * view only.
 */
public final class TcpForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean frozen;

  private TcpForwarder(ServerSocket server, String targetHost, int targetPort) {
    this.server = server;
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  accepted.incrementAndGet();
                  Socket upstream;
                  try {
                    upstream = new Socket(targetHost, targetPort);
                  } catch (IOException e) {
                    closeQuietly(client); // the target refused: so does the forwarder
                    continue;
                  }
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "tcp-forwarder");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts forwarding {@code port} on 127.0.0.1 to the target. */
  public static TcpForwarder start(int port, String targetHost, int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      return new TcpForwarder(server, targetHost, targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How many connections it accepted so far, forwarded or not: how often a client tried to reach
   * the target through it.
   */
  public int accepted() {
    return accepted.get();
  }

  /** A port that is free now (and, with luck, still free when the forwarder starts on it). */
  public static int freePort() {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  while (frozen) {
                    Thread.sleep(20);
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-forwarder-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A silent partition, as a paused API server or a dropped route looks: connections stay open and
   * new ones are accepted, but no byte gets through in either direction until {@link #thaw}.
   */
  public void freeze() {
    frozen = true;
  }

  public void thaw() {
    frozen = false;
  }

  /** Stops listening and cuts every forwarded connection. */
  @Override
  public void close() {
    closeQuietly(server);
    sockets.forEach(TcpForwarder::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
