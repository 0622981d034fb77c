package io.aideploy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes and servers a test starts on 127.0.0.1.
 *
 * <p>They are picked below Linux's ephemeral range (32768-60999 by default): a port from that range
 * that a test releases, even for a moment (to hand it to a process, or to restart a process on it),
 * can be taken as the local end of any outgoing connection on the machine, and binding it again
 * fails with "Address already in use".
 */
public final class FreePorts {
  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;

  private FreePorts() {}

  /** A port on 127.0.0.1 that nothing listens on now. */
  public static int pick() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST);
  }
}
