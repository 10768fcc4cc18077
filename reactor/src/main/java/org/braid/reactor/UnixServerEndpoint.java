package org.braid.reactor;

import java.nio.file.Path;
import java.util.Objects;
import org.braid.deferred.Deferred;

/**
 * Listens on a Unix-domain socket file (Twisted's {@code UNIXServerEndpoint}); {@code
 * "unix:/run/app.sock"} or {@code "unix:path=/run/app.sock"}. Immutable; {@link #listen} on the
 * reactor thread.
 */
public final class UnixServerEndpoint implements ServerEndpoint {
  private final Reactor reactor;
  private final Path path;

  /**
   * Creates the endpoint. Any thread.
   *
   * @param reactor the reactor to listen with
   * @param path the socket file
   */
  public UnixServerEndpoint(Reactor reactor, Path path) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.path = Objects.requireNonNull(path, "path");
  }

  @Override
  public Deferred<ListeningPort> listen(Factory factory) {
    Objects.requireNonNull(factory, "factory");
    return Deferred.maybeDeferred(() -> reactor.listenUnix(path, factory));
  }

  /**
   * The socket file.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /** The endpoint as a description string. */
  @Override
  public String toString() {
    return "unix:path=" + Endpoints.escape(path.toString());
  }
}
