package org.braid.reactor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.braid.deferred.Deferred;

/**
 * Connects to a Unix-domain socket file (Twisted's {@code UNIXClientEndpoint}); {@code
 * "unix:path=/run/app.sock:timeout=5"}. Immutable; {@link #connect} on the reactor thread.
 */
public final class UnixClientEndpoint implements ClientEndpoint {
  private final Reactor reactor;
  private final Path path;
  private final Duration timeout;

  /**
   * Creates the endpoint. Any thread.
   *
   * @param reactor the reactor to connect with
   * @param path the socket file
   * @param timeout how long an attempt may take, positive
   */
  public UnixClientEndpoint(Reactor reactor, Path path, Duration timeout) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.path = Objects.requireNonNull(path, "path");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
    }
  }

  @Override
  public Deferred<Protocol> connect(Factory factory) {
    Objects.requireNonNull(factory, "factory");
    return EndpointConnection.connect(
        factory, wrapping -> reactor.connectUnix(path, wrapping, timeout), "unix:" + path);
  }

  /**
   * The socket file.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * How long an attempt may take.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /** The endpoint as a description string. */
  @Override
  public String toString() {
    return "unix:path=" + Endpoints.escape(path.toString()) + ":timeout=" + Endpoints.seconds(timeout);
  }
}
