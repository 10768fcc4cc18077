package org.braid.protocols.memcache;

import java.time.Duration;
import java.util.function.Function;
import org.braid.deferred.Deferred;
import org.braid.reactor.Endpoints;

/** Test support: a client on a real loopback TCP connection, driven on a {@link RunningReactor}. */
final class SocketClientConnection implements ClientConnection {
  private final RunningReactor running;
  private final MemcacheClientProtocol client;

  private SocketClientConnection(RunningReactor running, MemcacheClientProtocol client) {
    this.running = running;
    this.client = client;
  }

  /** Connects a client to 127.0.0.1:port (bounded by the connect timeout). */
  static SocketClientConnection connect(
      RunningReactor running, int port, Duration requestTimeout, MemcacheLimits limits)
      throws Exception {
    MemcacheClientProtocol client = running.await(() ->
        Endpoints.clientFromString(running.reactor, "tcp:host=127.0.0.1:port=" + port + ":timeout=5")
            .connect(() -> new MemcacheClientProtocol(running.reactor, requestTimeout, limits)));
    return new SocketClientConnection(running, client);
  }

  @Override
  public <T> T call(Function<MemcacheClientProtocol, Deferred<T>> action) throws Exception {
    return running.await(() -> action.apply(client));
  }

  /** The client, for tests that drive it on the reactor thread themselves. */
  MemcacheClientProtocol client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    running.run(() -> {
      if (client.transport() != null) {
        client.transport().loseConnection();
      }
    });
  }
}
