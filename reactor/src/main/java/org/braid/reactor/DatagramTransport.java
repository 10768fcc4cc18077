package org.braid.reactor;

import java.net.SocketAddress;

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

  /** Closes the socket; the protocol's {@code stopProtocol} runs. */
  void stopListening();
}
