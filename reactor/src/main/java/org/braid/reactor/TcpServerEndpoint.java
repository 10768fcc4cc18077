package org.braid.reactor;

import java.util.Objects;
import org.braid.deferred.Deferred;

/**
 * Listens on a TCP port (Twisted's {@code TCP4ServerEndpoint}); {@code
 * "tcp:8080:interface=127.0.0.1:backlog=50"}. Immutable; {@link #listen} on the reactor thread.
 */
public final class TcpServerEndpoint implements ServerEndpoint {
  /** The backlog when none is given, as in Twisted. */
  public static final int DEFAULT_BACKLOG = 50;

  private final Reactor reactor;
  private final int port;
  private final int backlog;
  private final String iface;

  /**
   * Creates the endpoint. Any thread.
   *
   * @param reactor the reactor to listen with
   * @param port the port, 0 for any free one
   * @param backlog the accept queue length, at least 1
   * @param iface the address to bind, "" for all
   */
  public TcpServerEndpoint(Reactor reactor, int port, int backlog, String iface) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.iface = Objects.requireNonNull(iface, "iface");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
    }
    this.port = port;
    this.backlog = backlog;
  }

  @Override
  public Deferred<ListeningPort> listen(Factory factory) {
    Objects.requireNonNull(factory, "factory");
    return Deferred.maybeDeferred(() -> reactor.listenTCP(port, factory, backlog, iface));
  }

  /**
   * The port to listen on.
   *
   * @return the port, 0 for any free one
   */
  public int port() {
    return port;
  }

  /**
   * The accept queue length.
   *
   * @return the backlog
   */
  public int backlog() {
    return backlog;
  }

  /**
   * The address to bind.
   *
   * @return the interface, "" for all
   */
  public String iface() {
    return iface;
  }

  /** The endpoint as a description string, e.g. {@code tcp:8080:interface=127.0.0.1:backlog=50}. */
  @Override
  public String toString() {
    return "tcp:" + port + (iface.isEmpty() ? "" : ":interface=" + Endpoints.escape(iface)) + ":backlog=" + backlog;
  }
}
