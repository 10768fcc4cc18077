package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.braid.reactor.ConnectionClosed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded server's failure modes on real loopback sockets, seen by Braid's client (and by a
 * plain socket where the bytes matter). Timeouts here are short real ones; the exact timing is
 * tested on a manual clock in {@link MemcacheFailureModeTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedServerSocketFaultTest {
  private static final Duration SHORT = Duration.ofMillis(200);

  private RunningReactor running;
  private MemcacheServer server;

  @BeforeEach
  void start() throws Exception {
    running = RunningReactor.start();
    server = running.await(() -> MemcacheServer.start(running.reactor, 0));
  }

  @AfterEach
  void stop() throws Exception {
    running.await(server::stop);
    running.close();
  }

  private void setMode(MemcacheFailureMode mode) throws Exception {
    running.await(() -> server.setFailureMode(mode));
  }

  private SocketClientConnection connect(Duration timeout) throws Exception {
    return SocketClientConnection.connect(running, server.port(), timeout, MemcacheLimits.DEFAULTS);
  }

  @Test
  void refuseConnectMakesConnectsFailWhileOpenConnectionsGoOnAndNormalAcceptsAgain()
      throws Exception {
    SocketClientConnection open = connect(Duration.ofSeconds(5));
    int port = server.port();

    setMode(MemcacheFailureMode.REFUSE_CONNECT);

    assertThatThrownBy(() -> connect(Duration.ofSeconds(5))).isInstanceOf(ConnectException.class);
    String version = open.call(MemcacheClient::version);
    assertThat(version).isEqualTo(MemcacheServer.DEFAULT_VERSION);

    setMode(MemcacheFailureMode.NORMAL);

    assertThat(server.port()).isEqualTo(port);
    StoreResult stored = connect(Duration.ofSeconds(5)).call(c -> c.set("k", new byte[] {1}));
    assertThat(stored).isEqualTo(StoreResult.STORED);
  }

  @Test
  void acceptThenCloseLetsTheConnectSucceedThenClosesIt() throws Exception {
    setMode(MemcacheFailureMode.ACCEPT_THEN_CLOSE);

    try (RawConnection raw = new RawConnection(server.port())) {
      raw.send("version\r\n");
      assertThat(raw.readUntilClosed()).isEmpty();
    }
    SocketClientConnection client = connect(Duration.ofSeconds(5));
    Throwable failure = client.call(c -> c.version().addBoth((v, f) -> f.value()));
    assertThat(failure).isInstanceOf(ConnectionClosed.class);
  }

  @Test
  void neverAnswerMakesTheClientTimeOut() throws Exception {
    setMode(MemcacheFailureMode.NEVER_ANSWER);
    SocketClientConnection client = connect(SHORT);

    assertThatThrownBy(() -> client.call(c -> c.get("k"))).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("no reply within 200ms");
    boolean connected = running.compute(client.client()::isConnected);
    assertThat(connected).isFalse();
  }

  @Test
  void answerHalfThenStallSendsHalfTheBytesAndTheClientTimesOut() throws Exception {
    setMode(MemcacheFailureMode.ANSWER_HALF_THEN_STALL);
    try (RawConnection raw = new RawConnection(server.port())) {
      raw.send("version\r\n");
      String half = "VERSION 1.6.18-braid\r\n".substring(0, 11);
      assertThat(raw.read(half.length())).isEqualTo(half);
    }
    SocketClientConnection client = connect(SHORT);

    assertThatThrownBy(() -> client.call(c -> c.set("k", "v".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void slowDelaysEachReplyOnTheReactorClock() throws Exception {
    Duration delay = Duration.ofMillis(150);
    setMode(MemcacheFailureMode.slow(delay));
    SocketClientConnection client = connect(Duration.ofSeconds(5));

    long started = System.nanoTime();
    StoreResult stored = client.call(c -> c.set("k", new byte[] {1}));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(stored).isEqualTo(StoreResult.STORED);
    assertThat(took).isGreaterThanOrEqualTo(delay);
  }

  @Test
  void failNthWriteFailsTheNthStorageCommandOverTcp() throws Exception {
    setMode(MemcacheFailureMode.failNthWrite(2));
    SocketClientConnection client = connect(Duration.ofSeconds(5));

    StoreResult first = client.call(c -> c.set("a", new byte[] {1}));
    assertThatThrownBy(() -> client.call(c -> c.set("b", new byte[] {2})))
        .isInstanceOf(MemcacheServerErrorException.class)
        .hasMessageStartingWith("SERVER_ERROR injected failure: storage command 2");
    StoreResult third = client.call(c -> c.set("c", new byte[] {3}));

    assertThat(first).isEqualTo(StoreResult.STORED);
    assertThat(third).isEqualTo(StoreResult.STORED);
  }

  @Test
  void stopClosesClientConnectionsAndRefusesNewOnes() throws Exception {
    SocketClientConnection client = connect(Duration.ofSeconds(5));

    running.await(server::stop);

    Throwable failure = client.call(c -> c.version().addBoth((v, f) -> f.value()));
    assertThat(failure).isInstanceOf(ConnectionClosed.class);
    assertThatThrownBy(() -> connect(Duration.ofSeconds(5))).isInstanceOf(ConnectException.class);
  }
}
