package org.braid.tutorial.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.Endpoints;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.Threads;

/**
 * A running reactor with embedded memcache servers on free loopback ports: what the walkthrough
 * runs its chapters against. The reactor runs on a thread of its own ({@code braid-reactor});
 * the thread that started it hands work over with {@link #call}, each call bounded.
 *
 * <pre>{@code
 * try (LiveCache live = LiveCache.start(3)) {
 *   String version = live.call(Duration.ofSeconds(1), () -> live.connect(0).addCallbackDeferring(
 *       client -> client.version()));
 * }
 * }</pre>
 *
 * <p>{@link #start} and {@link #call} and {@link #close} on any thread but the reactor thread;
 * the other methods on the reactor thread.
 */
public final class LiveCache implements AutoCloseable {
  /** How long {@link #close} waits for the reactor to stop. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  private final SelectorReactor reactor;
  private final Thread thread;
  private final List<MemcacheServer> servers = new ArrayList<>();
  private final Duration requestTimeout;

  private LiveCache(SelectorReactor reactor, Duration requestTimeout) {
    this.reactor = reactor;
    this.requestTimeout = requestTimeout;
    this.thread = new Thread(reactor::run, "braid-reactor");
  }

  /**
   * Starts a reactor and {@code count} embedded servers on free 127.0.0.1 ports.
   *
   * @param count how many servers
   * @param reactor a reactor that has not run yet
   * @param requestTimeout the request timeout of the clients {@link #connect} opens
   * @return the running setting
   * @throws Exception when a server cannot listen
   */
  public static LiveCache start(int count, SelectorReactor reactor, Duration requestTimeout)
      throws Exception {
    LiveCache live = new LiveCache(reactor, requestTimeout);
    live.thread.start();
    try {
      for (int i = 0; i < count; i++) {
        live.servers.add(
            live.call(Duration.ofSeconds(5), () -> MemcacheServer.start(reactor, 0)));
      }
    } catch (Exception e) {
      live.close();
      throw e;
    }
    return live;
  }

  /**
   * Runs {@code work} on the reactor thread and waits for its Deferred, at most {@code bound}
   * (then it fails with {@link java.util.concurrent.TimeoutException}).
   *
   * @param bound the longest wait
   * @param work what to run; returns a Deferred
   * @param <T> the result type
   * @return the Deferred's value
   * @throws Exception what the Deferred failed with
   */
  public <T> T call(Duration bound, Callable<? extends Deferred<T>> work) throws Exception {
    Objects.requireNonNull(work, "work");
    return Threads.blockingCallFromThread(reactor, () -> work.call().addTimeout(bound, reactor));
  }

  /**
   * The reactor.
   *
   * @return the reactor
   */
  public SelectorReactor reactor() {
    return reactor;
  }

  /**
   * One of the servers.
   *
   * @param index from 0
   * @return the server
   */
  public MemcacheServer server(int index) {
    return servers.get(index);
  }

  /**
   * How many servers run.
   *
   * @return the count
   */
  public int serverCount() {
    return servers.size();
  }

  /**
   * An endpoint that connects to one server over TCP.
   *
   * @param index the server
   * @return {@code tcp:host=127.0.0.1:port=...:timeout=1}
   */
  public ClientEndpoint endpoint(int index) {
    return Endpoints.clientFromString(
        reactor, "tcp:host=127.0.0.1:port=" + server(index).port() + ":timeout=1");
  }

  /**
   * Connects a new client to one server.
   *
   * @param index the server
   * @return the connected client
   */
  public Deferred<MemcacheClientProtocol> connect(int index) {
    return endpoint(index).connect(() -> new MemcacheClientProtocol(reactor, requestTimeout));
  }

  /**
   * Sets every server's failure mode back to normal.
   *
   * @return fires once all are normal
   */
  public Deferred<List<Void>> allNormal() {
    List<Deferred<Void>> each = new ArrayList<>();
    for (MemcacheServer s : servers) {
      each.add(s.setFailureMode(MemcacheFailureMode.NORMAL));
    }
    return Deferred.gatherResults(each);
  }

  /**
   * Stops the servers and the reactor, and waits for the reactor thread to end.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  @Override
  public void close() throws InterruptedException {
    if (reactor.isRunning()) {
      try {
        call(
            STOP_BOUND,
            () -> {
              List<Deferred<Void>> stops = new ArrayList<>();
              for (MemcacheServer s : servers) {
                stops.add(s.stop());
              }
              return Deferred.gatherResults(stops);
            });
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LiveCache.class)
            .warn("stopping the embedded servers failed; stopping the reactor anyway", e);
      }
      reactor.callFromThread(reactor::stop);
    }
    thread.join(STOP_BOUND.toMillis());
    if (thread.isAlive()) {
      throw new IllegalStateException(
          "the reactor thread is still running " + STOP_BOUND + " after stop was asked: " + reactor);
    }
  }
}
