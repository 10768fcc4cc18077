package org.braid.reactor.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import org.braid.deferred.Deferred;
import org.braid.reactor.Reactor;

/**
 * Where a {@link StreamConnector} connects to, and how: the part that differs between TCP and
 * Unix-domain sockets. Reactor thread only.
 */
interface ConnectTarget {

  /**
   * The transport kind for descriptions: "TCP" or "Unix".
   *
   * @return the kind
   */
  String kind();

  /**
   * The destination as given (an unresolved address for a TCP host name).
   *
   * @return the destination
   */
  SocketAddress destination();

  /**
   * Resolves the destination to an address a channel can connect to, without blocking the reactor
   * thread (a host name is looked up on the reactor's thread pool).
   *
   * @param reactor the reactor
   * @return the address; fails with {@link java.net.UnknownHostException} when it does not resolve
   */
  Deferred<SocketAddress> resolve(Reactor reactor);

  /**
   * Opens a channel of the right family, bound to the local address if one was asked for.
   *
   * @param remote the resolved destination, to choose the address family
   * @return the channel, still blocking
   * @throws IOException when the channel cannot be opened or bound
   */
  SocketChannel open(SocketAddress remote) throws IOException;
}
