package org.braid.inline;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.SelectorReactor;

/** A SelectorReactor running on its own thread for integration tests; bounded waits only. */
final class ReactorThread implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final SelectorReactor reactor =
      SelectorReactor.builder().shutdownTimeout(Duration.ofSeconds(2)).build();
  private final Thread thread = new Thread(reactor::run, "inline-it-reactor");

  ReactorThread() {
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code action} on the reactor thread and returns its result. */
  <T> T call(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    reactor.callFromThread(
        () -> {
          try {
            result.complete(action.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Listens on a free loopback port and returns the port number. */
  int listen(org.braid.reactor.Factory factory) throws Exception {
    return call(
        () ->
            ((InetSocketAddress) reactor.listenTCP(0, factory, 128, "127.0.0.1").getHost())
                .getPort());
  }

  @Override
  public void close() throws InterruptedException {
    reactor.callFromThread(
        () -> {
          if (reactor.isRunning()) {
            reactor.stop();
          }
        });
    thread.join(WAIT.toMillis());
  }
}
