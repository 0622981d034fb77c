package io.aideploy.server;

/** A part of a server process (the operator, the gateway) that can say whether it is ready. */
public interface Component extends AutoCloseable {
  boolean isReady();

  @Override
  void close();
}
