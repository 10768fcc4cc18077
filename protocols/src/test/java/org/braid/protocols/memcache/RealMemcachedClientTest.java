package org.braid.protocols.memcache;

import java.time.Duration;

/**
 * The client suite against a real memcached ({@code /usr/bin/memcached}, started per class on a
 * free port). Fails, rather than skips, when memcached is not installed.
 */
class RealMemcachedClientTest extends MemcacheClientContract {
  private RealMemcached memcached;
  private RunningReactor running;

  @Override
  void startServer() throws Exception {
    memcached = RealMemcached.start();
    running = RunningReactor.start();
  }

  @Override
  void stopServer() throws Exception {
    if (running != null) {
      running.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  @Override
  ClientConnection connect(Duration requestTimeout, MemcacheLimits limits) throws Exception {
    return SocketClientConnection.connect(running, memcached.port(), requestTimeout, limits);
  }

  @Override
  long serverPid() {
    return memcached.pid();
  }

  @Override
  int serverItemSizeLimit() {
    return 1024 * 1024;
  }
}
