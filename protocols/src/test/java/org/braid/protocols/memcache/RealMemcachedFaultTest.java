package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.reactor.ConnectionClosed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Braid's client against a real memcached that fails: killed with requests in flight, frozen so
 * it never answers. A frozen process (SIGSTOP) keeps its socket open and reads nothing, which is
 * exactly a server that hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealMemcachedFaultTest {
  /** How long "promptly" is: far below the client's own 60 s request timeout. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private RealMemcached memcached;
  private RunningReactor running;

  @BeforeEach
  void start() throws Exception {
    memcached = RealMemcached.start();
    running = RunningReactor.start();
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
    memcached.kill();
  }

  /** Sends {@code count} requests at once; the Deferred gives each one's value or exception. */
  private static Deferred<List<Object>> pipeline(MemcacheClientProtocol client, int count) {
    List<Deferred<Object>> outcomes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Deferred<?> request = i % 2 == 0
          ? client.set("key" + i, ("value" + i).getBytes(StandardCharsets.UTF_8))
          : client.get("key" + (i - 1));
      outcomes.add(request.addBoth((value, failure) -> failure != null ? failure.value() : value));
    }
    return Deferred.gatherResults(outcomes);
  }

  @Test
  void killingMemcachedWithRequestsInFlightFailsEveryOnePromptlyWithConnectionClosed()
      throws Exception {
    SocketClientConnection connection = SocketClientConnection.connect(running, memcached.port(),
        Duration.ofSeconds(60), MemcacheLimits.DEFAULTS);
    MemcacheClientProtocol client = connection.client();
    memcached.pause();
    Deferred<List<Object>> outcomes = running.compute(() -> pipeline(client, 100));
    int pending = running.compute(client::pendingCount);
    assertThat(pending).isEqualTo(100);

    memcached.kill();

    List<Object> results = running.await(() -> outcomes, PROMPTLY);
    assertThat(results).hasSize(100).allSatisfy(result ->
        assertThat(result).isInstanceOf(ConnectionClosed.class));
    boolean connected = running.compute(client::isConnected);
    assertThat(connected).isFalse();
    Throwable later = connection.call(c -> c.get("k").addBoth((v, f) -> f.value()));
    assertThat(later).isInstanceOf(ConnectionClosed.class);
  }

  @Test
  void aFrozenMemcachedMakesEveryPendingRequestTimeOutAndTheConnectionIsDropped()
      throws Exception {
    Duration timeout = Duration.ofMillis(300);
    SocketClientConnection connection = SocketClientConnection.connect(running, memcached.port(),
        timeout, MemcacheLimits.DEFAULTS);
    MemcacheClientProtocol client = connection.client();
    StoreResult stored = connection.call(c -> c.set("k", new byte[] {1}));
    assertThat(stored).isEqualTo(StoreResult.STORED);
    memcached.pause();

    long started = System.nanoTime();
    List<Object> results = running.await(() -> pipeline(client, 10), PROMPTLY);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(results).hasSize(10).allSatisfy(result ->
        assertThat(result).isInstanceOf(TimeoutException.class));
    assertThat(took).isGreaterThanOrEqualTo(timeout);
    boolean connected = running.compute(client::isConnected);
    assertThat(connected).isFalse();
    memcached.resume();
  }

  @Test
  void callsAfterMemcachedWentAwayFailAtOnce() throws Exception {
    SocketClientConnection connection = SocketClientConnection.connect(running, memcached.port(),
        Duration.ofSeconds(60), MemcacheLimits.DEFAULTS);
    MemcacheClientProtocol client = connection.client();

    memcached.kill();
    long deadline = System.nanoTime() + PROMPTLY.toNanos();
    while (running.compute(client::isConnected)) { // bounded poll for the close to arrive
      assertThat(System.nanoTime()).as("connection loss noticed within " + PROMPTLY)
          .isLessThan(deadline);
      running.await(() -> running.reactor.sleep(Duration.ofMillis(10)));
    }

    Object outcome = connection.call(c -> c.version().addBoth((v, f) -> (Object) f.value()));
    assertThat(outcome).isInstanceOf(ConnectionClosed.class);
    assertThat(((ConnectionClosed) outcome).getCause()).isInstanceOf(ConnectionClosed.class);
  }
}
