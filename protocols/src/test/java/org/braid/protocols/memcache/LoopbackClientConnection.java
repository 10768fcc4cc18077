package org.braid.protocols.memcache;

import java.time.Duration;
import java.util.function.Function;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.ManualClock;

/**
 * Test support: a client wired in memory to an embedded server's protocol; the test thread plays
 * the reactor thread, and each call pumps the bytes through (in chunks of at most the given
 * size, so 1 breaks every reply at every byte).
 */
final class LoopbackClientConnection implements ClientConnection {
  private final MemcacheClientProtocol client;
  private final Loopback loopback;

  private LoopbackClientConnection(MemcacheClientProtocol client, Loopback loopback) {
    this.client = client;
    this.loopback = loopback;
  }

  /** Connects a new client to a new connection of {@code server}. */
  static LoopbackClientConnection connect(MemcacheServer server, ManualClock clock,
      Duration requestTimeout, MemcacheLimits limits, int maxChunkSize) {
    MemcacheClientProtocol client = new MemcacheClientProtocol(clock, requestTimeout, limits);
    Protocol serverSide = server.factory().buildProtocol(Loopback.CLIENT_ADDRESS);
    Loopback loopback = Loopback.connect(serverSide, client);
    loopback.setMaxChunkSize(maxChunkSize);
    return new LoopbackClientConnection(client, loopback);
  }

  MemcacheClientProtocol client() {
    return client;
  }

  Loopback loopback() {
    return loopback;
  }

  @Override
  public <T> T call(Function<MemcacheClientProtocol, Deferred<T>> action) throws Exception {
    Deferred<T> deferred = action.apply(client);
    loopback.flush();
    Object[] outcome = new Object[1];
    boolean[] fired = new boolean[1];
    deferred.addBoth((value, failure) -> {
      fired[0] = true;
      outcome[0] = failure != null ? failure : value;
      return null;
    });
    if (!fired[0]) {
      throw new AssertionError("no result after the loopback went quiet: " + deferred + ", "
          + client);
    }
    if (outcome[0] instanceof Failure failure) {
      if (failure.value() instanceof Exception e) {
        throw e;
      }
      throw new AssertionError("failed with an Error", failure.value());
    }
    @SuppressWarnings("unchecked")
    T value = (T) outcome[0];
    return value;
  }

  @Override
  public void close() {
    client.transport().loseConnection();
    loopback.flush();
  }
}
