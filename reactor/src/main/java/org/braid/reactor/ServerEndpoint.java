package org.braid.reactor;

import org.braid.deferred.Deferred;

/**
 * Where and how to listen, separate from what to serve (Twisted's {@code IStreamServerEndpoint}).
 * Made from a string by {@link Endpoints#serverFromString}, so a program's listening address can
 * come from its configuration: {@code "tcp:8080:interface=127.0.0.1"}, {@code "unix:/run/app.sock"}.
 * Reactor thread only.
 */
public interface ServerEndpoint {
  /**
   * Starts listening.
   *
   * @param factory builds one protocol per accepted connection
   * @return fires with the listening port, or fails with the {@link java.io.UncheckedIOException}
   *     that says why it could not listen
   */
  Deferred<ListeningPort> listen(Factory factory);
}
