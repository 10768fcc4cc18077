package org.braid.reactor.testing;

import java.net.SocketAddress;
import org.braid.deferred.Deferred;
import org.braid.reactor.ListeningPort;

/**
 * The port a {@link MemoryReactor} returns from its listen methods (Twisted's {@code _FakePort}):
 * it has an address and remembers whether it was stopped; it accepts nothing. Test thread only.
 */
public final class MemoryListeningPort implements ListeningPort {
  private final SocketAddress host;
  private int stopCalls;

  /**
   * Creates a port.
   *
   * @param host the address {@link #getHost()} reports
   */
  public MemoryListeningPort(SocketAddress host) {
    this.host = host;
  }

  @Override
  public SocketAddress getHost() {
    return host;
  }

  /**
   * Records the call; the returned Deferred has already fired.
   *
   * @return a fired Deferred
   */
  @Override
  public Deferred<Void> stopListening() {
    stopCalls++;
    return Deferred.succeed(null);
  }

  /**
   * Tells whether {@link #stopListening()} was never called.
   *
   * @return whether the port still "listens"
   */
  public boolean isListening() {
    return stopCalls == 0;
  }

  /**
   * How many times {@link #stopListening()} was called.
   *
   * @return the count
   */
  public int stopCalls() {
    return stopCalls;
  }

  @Override
  public String toString() {
    return "MemoryListeningPort[" + host + (isListening() ? ", listening]" : ", stopped]");
  }
}
