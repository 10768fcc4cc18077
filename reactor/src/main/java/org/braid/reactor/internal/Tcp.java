package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import org.braid.deferred.Deferred;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;

/**
 * TCP ports and connectors on a {@link SelectorLoop}: what {@link Reactor#listenTCP} and {@link
 * Reactor#connectTCP} of the selector reactor call. Reactor thread only.
 */
public final class Tcp {
  private Tcp() {}

  /**
   * Listens for TCP connections (SO_REUSEADDR on, as Twisted sets it, so a restarted server can
   * bind while old connections linger in TIME_WAIT).
   *
   * @param loop the loop that drives the port and its connections
   * @param port the port, 0 for any free one
   * @param factory builds one protocol per accepted connection; started now, stopped when the port
   *     has stopped listening
   * @param backlog the accept queue length, at least 1
   * @param iface the address to bind, e.g. "127.0.0.1"; "" for every address (IPv4 and IPv6); a
   *     host name is resolved on the calling thread
   * @return the listening port
   * @throws UncheckedIOException when the port cannot be bound ("cannot listen on TCP ...")
   * @throws IllegalArgumentException when {@code port} or {@code backlog} is out of range
   */
  public static ListeningPort listen(
      SelectorLoop loop, int port, Factory factory, int backlog, String iface) {
    return listen(loop, port, factory, backlog, iface, ServerSocketChannel::accept);
  }

  /** {@link #listen(SelectorLoop, int, Factory, int, String)} with an accept step tests replace. */
  static StreamPort listen(
      SelectorLoop loop,
      int port,
      Factory factory,
      int backlog,
      String iface,
      StreamPort.Acceptor acceptor) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(iface, "iface");
    checkPort(port);
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
    }
    String where = (iface.isEmpty() ? "*" : iface) + ":" + port;
    ServerSocketChannel channel = null;
    try {
      InetSocketAddress address =
          iface.isEmpty()
              ? new InetSocketAddress(port)
              : new InetSocketAddress(InetAddress.getByName(iface), port);
      channel = ServerSocketChannel.open();
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, backlog);
      channel.configureBlocking(false);
      StreamPort listening = new StreamPort(loop, channel, "TCP", factory, acceptor, null);
      listening.start();
      return listening;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot listen on TCP " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Connects to a TCP server; the attempt starts now (its events begin on the next pass). A host
   * name that is not a literal address is resolved on the reactor's thread pool ({@link
   * Reactor#deferToThread}), never on the reactor thread.
   *
   * @param loop the loop that drives the connector and its connection
   * @param host a host name or a literal IPv4 or IPv6 address
   * @param port the port, 1 to 65535
   * @param factory told how the attempt goes; builds the protocol
   * @param timeout how long the attempt (resolution included) may take, positive
   * @param bindAddress the local address to bind, or {@code null}
   * @return the connector, already connecting
   * @throws IllegalArgumentException when the port or timeout is out of range
   */
  public static Connector connect(
      SelectorLoop loop,
      String host,
      int port,
      ClientFactory factory,
      Duration timeout,
      InetSocketAddress bindAddress) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(factory, "factory");
    checkTimeout(timeout);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535: " + port);
    }
    StreamConnector connector =
        new StreamConnector(loop, new Target(host, port, bindAddress), factory, timeout);
    connector.connect();
    return connector;
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
  }

  static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
    }
  }

  private static void closeQuietly(Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException suppressed) {
      // Nothing more to do: the channel is unusable either way, and the caller reports the
      // original failure.
    }
  }

  /** A TCP destination: host name or literal, port, optional local bind address. */
  private record Target(String host, int port, InetSocketAddress bindAddress)
      implements ConnectTarget {

    @Override
    public String kind() {
      return "TCP";
    }

    @Override
    public SocketAddress destination() {
      if (Addresses.isLiteral(host)) {
        try {
          return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
          return InetSocketAddress.createUnresolved(host, port);
        }
      }
      return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public Deferred<SocketAddress> resolve(Reactor reactor) {
      if (Addresses.isLiteral(host)) {
        // A literal is parsed, not looked up: safe on the reactor thread.
        try {
          return Deferred.succeed(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
          return Deferred.fail(e);
        }
      }
      return reactor.deferToThread(() -> new InetSocketAddress(InetAddress.getByName(host), port));
    }

    @Override
    public SocketChannel open(SocketAddress remote) throws IOException {
      SocketChannel channel = SocketChannel.open();
      if (bindAddress != null) {
        try {
          channel.bind(bindAddress);
        } catch (IOException e) {
          channel.close();
          throw e;
        }
      }
      return channel;
    }
  }
}
