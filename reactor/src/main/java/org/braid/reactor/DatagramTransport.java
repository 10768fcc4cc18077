package org.braid.reactor;

import java.net.SocketAddress;
import org.braid.deferred.Deferred;

/** A bound UDP socket, as its {@link DatagramProtocol} sees it. Reactor thread only. */
public interface DatagramTransport {
  /**
   * Sends one datagram; if the socket cannot take it now it is dropped and logged at debug (UDP
   * gives no delivery guarantee anyway).
   *
   * @param data the payload
   * @param to the destination
   */
  void write(byte[] data, SocketAddress to);

  /**
   * The bound address.
   *
   * @return the local address
   */
  SocketAddress getHost();

  /**
   * Closes the socket; the protocol's {@code stopProtocol} runs before the returned Deferred fires.
   * The same method as {@link ListeningPort#stopListening()}, so one object can be both.
   *
   * @return fires once the socket is closed
   */
  Deferred<Void> stopListening();
}
