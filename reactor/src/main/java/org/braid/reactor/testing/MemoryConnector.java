package org.braid.reactor.testing;

import java.net.SocketAddress;
import org.braid.reactor.Connector;

/**
 * The connector a {@link MemoryReactor} returns from its connect methods (Twisted's {@code
 * _FakeConnector}): it connects nowhere and records what was asked of it, so a test can check
 * that a client factory reconnects, stops or disconnects. Test thread only.
 */
public final class MemoryConnector implements Connector {
  private final SocketAddress destination;
  private int connectCalls;
  private int stopConnectingCalls;
  private int disconnectCalls;

  /**
   * Creates a connector.
   *
   * @param destination what {@link #getDestination()} reports
   */
  public MemoryConnector(SocketAddress destination) {
    this.destination = destination;
  }

  /** Records the call (the reactor's own first attempt is not counted). */
  @Override
  public void connect() {
    connectCalls++;
  }

  /** Records the call. */
  @Override
  public void stopConnecting() {
    stopConnectingCalls++;
  }

  /** Records the call. */
  @Override
  public void disconnect() {
    disconnectCalls++;
  }

  @Override
  public SocketAddress getDestination() {
    return destination;
  }

  /**
   * How many times {@link #connect()} was called (a reconnect).
   *
   * @return the count
   */
  public int connectCalls() {
    return connectCalls;
  }

  /**
   * Tells whether {@link #stopConnecting()} was called.
   *
   * @return whether connecting was stopped
   */
  public boolean isStoppedConnecting() {
    return stopConnectingCalls > 0;
  }

  /**
   * Tells whether {@link #disconnect()} was called.
   *
   * @return whether it was disconnected
   */
  public boolean isDisconnected() {
    return disconnectCalls > 0;
  }

  @Override
  public String toString() {
    return "MemoryConnector[to "
        + destination
        + ", connect calls "
        + connectCalls
        + ", stopConnecting calls "
        + stopConnectingCalls
        + ", disconnect calls "
        + disconnectCalls
        + "]";
  }
}
