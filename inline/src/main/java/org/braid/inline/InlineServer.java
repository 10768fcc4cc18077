package org.braid.inline;

import java.net.SocketAddress;
import java.util.Objects;
import org.braid.reactor.Factory;
import org.braid.reactor.Protocol;

/**
 * Servers written as one inline body per connection.
 *
 * <pre>{@code
 * reactor.listenTCP(7000, InlineServer.factory(conn -> {
 *   String line;
 *   while ((line = await(conn.readLine())) != null) {
 *     await(conn.write(line + "\n"));
 *   }
 * }), 50, "127.0.0.1");
 * }</pre>
 *
 * <p>Reactor thread only.
 */
public final class InlineServer {
  private InlineServer() {}

  /**
   * A factory that runs {@code handler} for every accepted connection.
   *
   * @param handler the per-connection body
   * @return the factory, for {@code listenTCP} or an endpoint
   */
  public static Factory factory(ConnectionHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return new Factory() {
      @Override
      protected Protocol newProtocol(SocketAddress peer) {
        return new Connection(handler).protocol();
      }
    };
  }
}
