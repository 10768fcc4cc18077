package org.braid.reactor;

import java.net.SocketAddress;
import org.braid.deferred.Deferred;

/** A bound server socket, TCP, Unix or UDP (Twisted's {@code IListeningPort}). Reactor thread only. */
public interface ListeningPort {
  /**
   * The bound address (with the real port when 0 was asked for).
   *
   * @return the local address
   */
  SocketAddress getHost();

  /**
   * Stops accepting; connections already accepted stay open.
   *
   * @return a Deferred that fires when the socket is closed
   */
  Deferred<Void> stopListening();
}
