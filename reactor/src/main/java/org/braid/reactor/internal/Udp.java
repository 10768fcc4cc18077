package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;

/**
 * UDP ports on a {@link SelectorLoop}: what {@link Reactor#listenUDP} of the selector reactor
 * calls. Reactor thread only.
 */
public final class Udp {
  private Udp() {}

  /**
   * Binds a UDP socket and starts its protocol ({@code startProtocol} runs before this returns).
   *
   * @param loop the loop
   * @param port the port, 0 for any free one
   * @param protocol receives the datagrams; its transport is the returned port
   * @param iface the address to bind; "" for every address
   * @return the port, which is also the protocol's {@link org.braid.reactor.DatagramTransport}
   * @throws UncheckedIOException when the socket cannot be bound ("cannot listen on UDP ...")
   */
  public static ListeningPort listen(
      SelectorLoop loop, int port, DatagramProtocol protocol, String iface) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(iface, "iface");
    Tcp.checkPort(port);
    DatagramChannel channel = null;
    try {
      InetSocketAddress address =
          iface.isEmpty()
              ? new InetSocketAddress(port)
              : new InetSocketAddress(InetAddress.getByName(iface), port);
      channel = DatagramChannel.open();
      channel.bind(address);
      channel.configureBlocking(false);
      DatagramPort bound = new DatagramPort(loop, channel, protocol);
      bound.start();
      return bound;
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException(
          "cannot listen on UDP " + (iface.isEmpty() ? "*" : iface) + ":" + port + ": " + e.getMessage(),
          e);
    }
  }
}
