package org.braid.reactor;

import java.net.SocketAddress;

/**
 * Receives UDP datagrams (Twisted's {@code DatagramProtocol}). Reactor thread only.
 */
public abstract class DatagramProtocol {
  private DatagramTransport transport;

  /** Creates the protocol. Any thread (it is not yet shared). */
  protected DatagramProtocol() {}

  /**
   * Attaches the transport and calls {@link #startProtocol()}. Called by the port.
   *
   * @param transport the bound socket
   */
  public void makeConnection(DatagramTransport transport) {
    this.transport = transport;
    startProtocol();
  }

  /** The port is bound. Default: nothing. */
  public void startProtocol() {}

  /** The port was closed. Default: nothing. */
  public void stopProtocol() {}

  /**
   * A datagram arrived.
   *
   * @param data its bytes
   * @param sender where it came from
   */
  public abstract void datagramReceived(byte[] data, SocketAddress sender);

  /**
   * The transport, or {@code null} before the port is bound.
   *
   * @return the transport
   */
  public final DatagramTransport transport() {
    return transport;
  }
}
