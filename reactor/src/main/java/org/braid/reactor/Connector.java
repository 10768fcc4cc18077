package org.braid.reactor;

import java.net.SocketAddress;

/**
 * One client connection's life: connecting, connected, disconnected, and again on {@link
 * #connect()} (Twisted's {@code IConnector}). Reactor thread only.
 */
public interface Connector {
  /**
   * Starts a new attempt.
   *
   * @throws IllegalStateException unless disconnected ("can't connect in state connecting")
   */
  void connect();

  /**
   * Stops the attempt in progress; the factory's {@code clientConnectionFailed} is told, with a
   * {@link ConnectingCancelledException}.
   *
   * @throws IllegalStateException when not connecting
   */
  void stopConnecting();

  /** Stops the attempt if connecting, or loses the connection if connected. */
  void disconnect();

  /**
   * Where this connector connects to.
   *
   * @return the destination address
   */
  SocketAddress getDestination();
}
