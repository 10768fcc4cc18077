package org.braid.reactor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.braid.deferred.Deferred;

/**
 * Connects over TCP (Twisted's {@code HostnameEndpoint}/{@code TCP4ClientEndpoint}); {@code
 * "tcp:host=127.0.0.1:port=11211:timeout=5:bindAddress=127.0.0.1"}. Immutable; {@link #connect} on
 * the reactor thread.
 */
public final class TcpClientEndpoint implements ClientEndpoint {
  /** The connect timeout when none is given: 30 s, as in Twisted. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Reactor reactor;
  private final String host;
  private final int port;
  private final Duration timeout;
  private final InetSocketAddress bindAddress;

  /**
   * Creates the endpoint. Any thread.
   *
   * @param reactor the reactor to connect with
   * @param host host name or literal address
   * @param port the port, 1 to 65535
   * @param timeout how long an attempt may take, positive
   * @param bindAddress the local address to bind, or {@code null}
   */
  public TcpClientEndpoint(
      Reactor reactor, String host, int port, Duration timeout, InetSocketAddress bindAddress) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.host = Objects.requireNonNull(host, "host");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535: " + port);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
    }
    this.port = port;
    this.bindAddress = bindAddress;
  }

  @Override
  public Deferred<Protocol> connect(Factory factory) {
    Objects.requireNonNull(factory, "factory");
    return EndpointConnection.connect(
        factory,
        wrapping -> reactor.connectTCP(host, port, wrapping, timeout, bindAddress),
        host + ":" + port);
  }

  /**
   * The host to connect to.
   *
   * @return the host name or address
   */
  public String host() {
    return host;
  }

  /**
   * The port to connect to.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * How long an attempt may take.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The local address to bind, or {@code null}.
   *
   * @return the bind address
   */
  public InetSocketAddress bindAddress() {
    return bindAddress;
  }

  /** The endpoint as a description string. */
  @Override
  public String toString() {
    return "tcp:host="
        + Endpoints.escape(host)
        + ":port="
        + port
        + ":timeout="
        + Endpoints.seconds(timeout)
        + (bindAddress == null
            ? ""
            : ":bindAddress=" + Endpoints.escape(bindAddress.getAddress().getHostAddress()));
  }
}
