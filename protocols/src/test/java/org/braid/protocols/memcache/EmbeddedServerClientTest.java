package org.braid.protocols.memcache;

import java.time.Duration;

/** The client suite against Braid's embedded server over loopback TCP, on a SelectorReactor. */
class EmbeddedServerClientTest extends MemcacheClientContract {
  private RunningReactor running;
  private MemcacheServer server;

  @Override
  void startServer() throws Exception {
    running = RunningReactor.start();
    server = running.await(() -> MemcacheServer.start(running.reactor, 0));
  }

  @Override
  void stopServer() throws Exception {
    if (server != null) {
      running.await(server::stop);
    }
    if (running != null) {
      running.close();
    }
  }

  @Override
  ClientConnection connect(Duration requestTimeout, MemcacheLimits limits) throws Exception {
    return SocketClientConnection.connect(running, server.port(), requestTimeout, limits);
  }

  @Override
  long serverPid() {
    return ProcessHandle.current().pid();
  }

  @Override
  int serverItemSizeLimit() {
    return server.limits().maxValueLength();
  }
}
