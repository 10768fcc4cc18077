package org.braid.reactor;

import java.net.SocketAddress;
import org.braid.deferred.CancelledException;
import org.braid.reactor.internal.Addresses;

/**
 * A connection attempt was stopped before it completed: {@link Connector#stopConnecting()}, or a
 * cancelled {@link ClientEndpoint#connect} Deferred (Twisted's {@code ConnectingCancelledError}).
 * A {@link CancelledException}, so code that handles cancellation handles it too. Thread-safe
 * (immutable).
 */
public class ConnectingCancelledException extends CancelledException {
  private static final long serialVersionUID = 1L;

  /** Where the stopped attempt was connecting to; a String so the exception stays serializable. */
  private final String address;

  /**
   * Creates the exception. Any thread.
   *
   * @param address where the attempt was connecting to
   */
  public ConnectingCancelledException(SocketAddress address) {
    super("Connecting to " + Addresses.format(address) + " was cancelled");
    this.address = Addresses.format(address);
  }

  /**
   * Where the stopped attempt was connecting to, as text.
   *
   * @return the destination
   */
  public String address() {
    return address;
  }
}
