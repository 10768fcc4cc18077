package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryReactor;
import org.braid.reactor.testing.ReactorAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each named failure mode of the embedded server, seen by Braid's client over an in-memory
 * connection on a manual clock, so every timeout is exact and nothing waits for real time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MemcacheFailureModeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ManualClock clock = new ManualClock();
  private final MemoryReactor reactor = new MemoryReactor(clock);
  private final MemcacheServer server = MemcacheServer.builder(reactor)
      .wallClock(InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L)))
      .build();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A client of the server over a new in-memory connection. */
  private final class Client {
    final MemcacheClientProtocol protocol = new MemcacheClientProtocol(clock, TIMEOUT);
    final Loopback loopback;

    Client() {
      Protocol serverSide = server.factory().buildProtocol(Loopback.CLIENT_ADDRESS);
      loopback = Loopback.connect(serverSide, protocol);
      loopback.flush();
    }

    <T> Deferred<T> send(Deferred<T> request) {
      loopback.flush();
      return request;
    }
  }

  @Test
  void normalServesEveryRequest() {
    assertThat(server.failureMode()).isEqualTo(MemcacheFailureMode.NORMAL);
    Client c = new Client();

    assertThat(successResultOf(c.send(c.protocol.set("k", bytes("v")))))
        .isEqualTo(StoreResult.STORED);
  }

  @Test
  void neverAnswerReadsRequestsWithoutExecutingThemAndTheClientTimesOut() {
    successResultOf(server.setFailureMode(MemcacheFailureMode.NEVER_ANSWER));
    Client c = new Client();

    Deferred<StoreResult> set = c.send(c.protocol.set("k", bytes("v")));
    clock.advance(TIMEOUT.minusMillis(1));
    assertNoResult(set);
    clock.advance(Duration.ofMillis(1));

    failureResultOf(set, TimeoutException.class);
    c.loopback.flush();
    assertThat(c.protocol.isConnected()).isFalse();
    assertThat(server.store().itemCount()).isZero();
    assertThat(server.currentConnections()).isZero(); // the client aborted the connection
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void answerHalfThenStallWritesHalfAReplyAndNothingMore() {
    successResultOf(server.setFailureMode(MemcacheFailureMode.ANSWER_HALF_THEN_STALL));
    RecordingClient raw = new RecordingClient();
    Loopback loopback = Loopback.connect(server.factory().buildProtocol(Loopback.CLIENT_ADDRESS),
        raw);

    raw.send("set k 0 0 1\r\nv\r\nget k\r\n");
    loopback.flush();

    assertThat(raw.takeReceived()).isEqualTo("STOR");
    assertThat(server.store().itemCount()).isEqualTo(1); // the request itself was carried out
    raw.send("version\r\n");
    loopback.flush();
    assertThat(raw.takeReceived()).isEmpty();
  }

  @Test
  void answerHalfThenStallMakesTheClientTimeOutMidReplyAndDropTheConnection() {
    successResultOf(server.setFailureMode(MemcacheFailureMode.ANSWER_HALF_THEN_STALL));
    new Client().protocol.toString(); // another connection, stalled too once it asks
    Client c = new Client();
    c.protocol.set("k", bytes("a value long enough to cut")); // STORED: 8 bytes, 4 arrive
    Deferred<Optional<Value>> get = c.send(c.protocol.get("k"));

    clock.advance(TIMEOUT);

    failureResultOf(get, TimeoutException.class);
    c.loopback.flush();
    assertThat(server.currentConnections()).isEqualTo(1);

    successResultOf(server.setFailureMode(MemcacheFailureMode.NORMAL));
    Client after = new Client();
    assertThat(successResultOf(after.send(after.protocol.get("k")))).isPresent();
  }

  @Test
  void slowWritesEachReplyThatLongAfterItsRequestInOrder() {
    successResultOf(server.setFailureMode(MemcacheFailureMode.slow(Duration.ofSeconds(2))));
    Client c = new Client();

    Deferred<StoreResult> set = c.send(c.protocol.set("k", bytes("v")));
    clock.advance(Duration.ofMillis(500));
    Deferred<Optional<Value>> get = c.send(c.protocol.get("k"));
    clock.advance(Duration.ofMillis(1499));
    c.loopback.flush();
    assertNoResult(set);

    clock.advance(Duration.ofMillis(1));
    c.loopback.flush();
    assertThat(successResultOf(set)).isEqualTo(StoreResult.STORED);
    assertNoResult(get);

    clock.advance(Duration.ofMillis(500));
    c.loopback.flush();
    assertThat(successResultOf(get)).map(Value::data).contains(bytes("v"));
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void aReplyAfterSlowIsTurnedOffStillWaitsBehindTheSlowOnes() {
    successResultOf(server.setFailureMode(MemcacheFailureMode.slow(Duration.ofSeconds(2))));
    Client c = new Client();
    Deferred<StoreResult> slow = c.send(c.protocol.set("k", bytes("v")));
    successResultOf(server.setFailureMode(MemcacheFailureMode.NORMAL));

    Deferred<String> fast = c.send(c.protocol.version());
    assertNoResult(slow);
    assertNoResult(fast);

    clock.advance(Duration.ofSeconds(2));
    c.loopback.flush();
    successResultOf(slow);
    assertThat(successResultOf(fast)).isEqualTo(MemcacheServer.DEFAULT_VERSION);
  }

  @Test
  void failNthWriteFailsOnlyThatStorageCommandCountedFromWhenTheModeWasSet() {
    Client c = new Client();
    c.send(c.protocol.set("before", bytes("v")));
    successResultOf(server.setFailureMode(MemcacheFailureMode.failNthWrite(3)));

    Deferred<StoreResult> first = c.protocol.set("a", bytes("1"));
    Deferred<Optional<Value>> read = c.protocol.get("a"); // not a storage command
    Deferred<StoreResult> second = c.protocol.add("b", bytes("2"));
    Deferred<StoreResult> third = c.protocol.append("a", bytes("3"));
    Deferred<StoreResult> fourth = c.protocol.set("c", bytes("4"));
    c.loopback.flush();

    assertThat(successResultOf(first)).isEqualTo(StoreResult.STORED);
    assertThat(successResultOf(read)).isPresent();
    assertThat(successResultOf(second)).isEqualTo(StoreResult.STORED);
    assertThat(failureResultOf(third, MemcacheServerErrorException.class).getErrorMessage())
        .startsWith("SERVER_ERROR injected failure: storage command 3 since failure mode"
            + " FAIL_NTH_WRITE 3 was set (request: append \"a\" (1 bytes)");
    assertThat(successResultOf(fourth)).isEqualTo(StoreResult.STORED);
    assertThat(successResultOf(c.send(c.protocol.get("a")))).map(Value::data)
        .contains(bytes("1")); // the failed append was not carried out
    assertThat(c.protocol.isConnected()).isTrue();
  }

  @Test
  void acceptThenCloseClosesEachNewConnectionWithoutWriting() {
    Client open = new Client();
    successResultOf(server.setFailureMode(MemcacheFailureMode.ACCEPT_THEN_CLOSE));

    RecordingClient raw = new RecordingClient();
    Loopback.connect(server.factory().buildProtocol(Loopback.CLIENT_ADDRESS), raw).flush();
    Client rejected = new Client();

    assertThat(raw.takeReceived()).isEmpty();
    assertThat(raw.lost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(failureResultOf(rejected.protocol.get("k")).value())
        .isInstanceOf(org.braid.reactor.ConnectionClosed.class);
    assertThat(successResultOf(open.send(open.protocol.version())))
        .isEqualTo(MemcacheServer.DEFAULT_VERSION); // connections already open go on
    assertThat(server.stats().getLong("total_connections")).isEqualTo(3);
    assertThat(server.currentConnections()).isEqualTo(1);
  }

  @Test
  void refuseConnectClosesTheListeningSocketAndAnotherModeListensAgainOnTheSamePort() {
    successResultOf(server.listen(0));
    int port = server.port();

    Deferred<Void> refusing = server.setFailureMode(MemcacheFailureMode.REFUSE_CONNECT);

    successResultOf(refusing);
    assertThat(reactor.tcpServers()).hasSize(1);
    assertThat(reactor.tcpServers().get(0).listeningPort().isListening()).isFalse();
    assertThat(server.stats().get("accepting_conns")).isEqualTo("0");

    successResultOf(server.setFailureMode(MemcacheFailureMode.NORMAL));

    assertThat(reactor.tcpServers()).hasSize(2);
    assertThat(reactor.tcpServers().get(1).port()).isEqualTo(port);
    assertThat(reactor.tcpServers().get(1).listeningPort().isListening()).isTrue();
    assertThat(server.stats().get("accepting_conns")).isEqualTo("1");
  }

  @Test
  void aServerStartedInRefuseConnectBindsToLearnItsPortThenCloses() {
    MemcacheServer refusing = MemcacheServer.builder(reactor)
        .failureMode(MemcacheFailureMode.REFUSE_CONNECT).build();

    successResultOf(refusing.listen(0));

    assertThat(refusing.port()).isEqualTo(MemoryReactor.FIRST_ASSIGNED_PORT);
    assertThat(reactor.tcpServers().get(0).listeningPort().isListening()).isFalse();
  }

  @Test
  void modesParseFromTheCommandLineForms() {
    assertThat(MemcacheFailureMode.parse("normal")).isEqualTo(MemcacheFailureMode.NORMAL);
    assertThat(MemcacheFailureMode.parse("refuse-connect"))
        .isEqualTo(MemcacheFailureMode.REFUSE_CONNECT);
    assertThat(MemcacheFailureMode.parse("ACCEPT_THEN_CLOSE"))
        .isEqualTo(MemcacheFailureMode.ACCEPT_THEN_CLOSE);
    assertThat(MemcacheFailureMode.parse("never-answer"))
        .isEqualTo(MemcacheFailureMode.NEVER_ANSWER);
    assertThat(MemcacheFailureMode.parse("answer-half-then-stall"))
        .isEqualTo(MemcacheFailureMode.ANSWER_HALF_THEN_STALL);
    assertThat(MemcacheFailureMode.parse("slow:250ms"))
        .isEqualTo(MemcacheFailureMode.slow(Duration.ofMillis(250)));
    assertThat(MemcacheFailureMode.parse("slow:2s"))
        .isEqualTo(MemcacheFailureMode.slow(Duration.ofSeconds(2)));
    assertThat(MemcacheFailureMode.parse("SLOW:PT0.5S"))
        .isEqualTo(MemcacheFailureMode.slow(Duration.ofMillis(500)));
    assertThat(MemcacheFailureMode.parse("fail-nth-write:3"))
        .isEqualTo(MemcacheFailureMode.failNthWrite(3));
    assertThat(MemcacheFailureMode.slow(Duration.ofMillis(250))).hasToString("SLOW 250ms");
    assertThat(MemcacheFailureMode.NEVER_ANSWER).hasToString("NEVER_ANSWER");
  }

  @Test
  void badModesAreRefusedWithTheAcceptedForms() {
    assertThatThrownBy(() -> MemcacheFailureMode.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown failure mode 'sometimes'; expected normal,");
    assertThatThrownBy(() -> MemcacheFailureMode.parse("slow"))
        .hasMessageStartingWith("failure mode 'slow' needs an argument");
    assertThatThrownBy(() -> MemcacheFailureMode.parse("slow:10"))
        .hasMessageStartingWith("bad argument in failure mode 'slow:10': duration '10' needs a"
            + " unit: ms or s");
    assertThatThrownBy(() -> MemcacheFailureMode.parse("fail-nth-write:0"))
        .hasMessageStartingWith("bad argument in failure mode 'fail-nth-write:0': fail-nth-write"
            + " needs n >= 1: 0");
    assertThatThrownBy(() -> MemcacheFailureMode.parse("normal:1"))
        .hasMessageStartingWith("failure mode 'normal:1' takes no argument");
    assertThatThrownBy(() -> MemcacheFailureMode.slow(Duration.ZERO))
        .hasMessage("slow delay must be positive: PT0S");
  }
}
