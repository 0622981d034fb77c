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
 * A TCP forwarder on a local port that tests cut, heal or freeze, to make the API server
 * unreachable (not yet up, gone mid-watch, or silently partitioned) from the gateway's point of
 * view only.
 *
 * <p>The listening socket stays bound for the forwarder's whole life: a cut refuses connections by
 * closing them as they arrive instead of giving the port up, because a port given up in the
 * ephemeral range may be taken by any outgoing connection on the machine before it can be bound
 * again (seen in CI as "Address already in use").
 */
public final class TcpForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean frozen;
  private volatile boolean cut;

  private TcpForwarder(ServerSocket server, String targetHost, int targetPort) {
    this.server = server;
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  accepted.incrementAndGet();
                  if (cut) {
                    closeQuietly(client);
                    continue;
                  }
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

  /**
   * Starts forwarding a port of its own choosing on 127.0.0.1 (see {@link #port}) to the target.
   */
  public static TcpForwarder start(String targetHost, int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      return new TcpForwarder(server, targetHost, targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * How many connections it accepted so far, forwarded or not: how often a client tried to reach
   * the target through it.
   */
  public int accepted() {
    return accepted.get();
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

  /**
   * A loud partition: every forwarded connection is closed and new ones are closed as they arrive
   * (still counted by {@link #accepted}) until {@link #heal}.
   */
  public void cut() {
    cut = true;
    sockets.forEach(TcpForwarder::closeQuietly);
    sockets.clear();
  }

  /** Forwards new connections again after a {@link #cut}. */
  public void heal() {
    cut = false;
  }

  /** Stops listening and closes every forwarded connection. */
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
