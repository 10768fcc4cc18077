package org.braid.protocols.memcache;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryReactor;

/**
 * The client suite against Braid's embedded server wired in memory, every byte delivered in one
 * chunk per round. No sockets, no threads, no real time: the test thread is the reactor thread.
 */
class InMemoryClientTest extends MemcacheClientContract {
  /** The embedded server's value limit here: small, so one-byte feeding stays fast. */
  static final int ITEM_SIZE_LIMIT = 16 * 1024;

  private final ManualClock clock = new ManualClock();
  private MemcacheServer server;

  /** The most bytes per dataReceived. */
  int maxChunkSize() {
    return Integer.MAX_VALUE;
  }

  @Override
  void startServer() {
    server = MemcacheServer.builder(new MemoryReactor(clock))
        .limits(MemcacheLimits.DEFAULTS.withMaxValueLength(ITEM_SIZE_LIMIT))
        .wallClock(InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L)))
        .build();
  }

  @Override
  void stopServer() {
    server.stop();
  }

  @Override
  ClientConnection connect(Duration requestTimeout, MemcacheLimits limits) {
    return LoopbackClientConnection.connect(server, clock, requestTimeout, limits, maxChunkSize());
  }

  @Override
  long serverPid() {
    return ProcessHandle.current().pid();
  }

  @Override
  int serverItemSizeLimit() {
    return ITEM_SIZE_LIMIT;
  }

  @Override
  int largeValueSize() {
    return ITEM_SIZE_LIMIT - 100;
  }
}
