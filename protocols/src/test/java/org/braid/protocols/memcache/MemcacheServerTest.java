package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.braid.deferred.Deferred;
import org.braid.deferred.testing.DeferredAssertions;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryReactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded server over in-memory connections, on a manual clock: expiry and stats on the
 * reactor's time, the memory limit, the connection limit, the parser's limits and malformed input
 * (which closes only its own connection), and chunking.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MemcacheServerTest {
  private static final long T0 = 1_700_000_000L;

  private final ManualClock clock = new ManualClock();
  private final MemoryReactor reactor = new MemoryReactor(clock);
  private MemcacheServer server = build(UnaryOperator.identity());

  private MemcacheServer build(UnaryOperator<MemcacheServer.Builder> settings) {
    return settings.apply(MemcacheServer.builder(reactor)
        .wallClock(InstantSource.fixed(Instant.ofEpochSecond(T0)))).build();
  }

  /** A client connection to the server, in memory. */
  private final class Connection {
    final RecordingClient client = new RecordingClient();
    final Loopback loopback;

    Connection() {
      Protocol serverSide = server.factory().buildProtocol(Loopback.CLIENT_ADDRESS);
      loopback = Loopback.connect(serverSide, client);
      loopback.flush();
    }

    /** Sends the bytes and returns every byte the server answered. */
    String exchange(String request) {
      client.send(request);
      loopback.flush();
      return client.takeReceived();
    }

    boolean closed() {
      return client.lost() != null;
    }
  }

  // --- time ---------------------------------------------------------------------------------------

  @Test
  void itemsExpireWhenTheReactorClockSaysSo() {
    Connection c = new Connection();
    assertThat(c.exchange("set k 0 10 1\r\nv\r\n")).isEqualTo("STORED\r\n");

    clock.advance(Duration.ofSeconds(9));
    assertThat(c.exchange("get k\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
    clock.advance(Duration.ofSeconds(1));
    assertThat(c.exchange("get k\r\n")).isEqualTo("END\r\n");
  }

  @Test
  void aDelayedFlushAllTakesEffectOnTheReactorClock() {
    Connection c = new Connection();
    c.exchange("set k 0 0 1\r\nv\r\n");

    assertThat(c.exchange("flush_all 10\r\n")).isEqualTo("OK\r\n");
    clock.advance(Duration.ofSeconds(9));
    assertThat(c.exchange("get k\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
    clock.advance(Duration.ofSeconds(1));
    assertThat(c.exchange("get k\r\n")).isEqualTo("END\r\n");
  }

  @Test
  void uptimeAndTimeFollowTheReactorClockFromTheWallClockAtStart() {
    assertThat(server.stats().getLong("uptime")).isZero();
    assertThat(server.stats().getLong("time")).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(100));

    assertThat(server.stats().getLong("uptime")).isEqualTo(100);
    assertThat(server.stats().getLong("time")).isEqualTo(T0 + 100);
  }

  // --- memory and stats ---------------------------------------------------------------------------

  @Test
  void theLeastRecentlyUsedItemIsEvictedWhenMemoryRunsOut() {
    server = build(b -> b.memoryLimit(3 * MemcacheStore.sizeOf("a", 100)));
    Connection c = new Connection();
    String value = "x".repeat(100);
    for (String key : new String[] {"a", "b", "c"}) {
      assertThat(c.exchange("set " + key + " 0 0 100\r\n" + value + "\r\n")).isEqualTo("STORED\r\n");
    }
    c.exchange("get a\r\n");

    assertThat(c.exchange("set d 0 0 100\r\n" + value + "\r\n")).isEqualTo("STORED\r\n");

    assertThat(c.exchange("get a b c d\r\n"))
        .isEqualTo("VALUE a 0 100\r\n" + value + "\r\nVALUE c 0 100\r\n" + value + "\r\n"
            + "VALUE d 0 100\r\n" + value + "\r\nEND\r\n");
    assertThat(server.stats().getLong("evictions")).isEqualTo(1);
    assertThat(server.stats().getLong("limit_maxbytes")).isEqualTo(3 * MemcacheStore.sizeOf("a", 100));
  }

  @Test
  void statsAddConnectionsBytesAndThePidToTheStoresCountersInMemcachedsOrder() {
    Connection first = new Connection();
    Connection second = new Connection();
    first.exchange("get k\r\n");

    String reply = second.exchange("stats\r\n");

    assertThat(reply).startsWith("STAT pid " + ProcessHandle.current().pid() + "\r\nSTAT uptime 0"
        + "\r\nSTAT time " + T0 + "\r\nSTAT version 1.6.18-braid\r\nSTAT pointer_size ");
    assertThat(reply).contains("STAT max_connections 1024\r\nSTAT curr_connections 2\r\n"
        + "STAT total_connections 2\r\nSTAT rejected_connections 0\r\nSTAT cmd_get 1\r\n");
    assertThat(reply).contains("STAT bytes_read 14\r\nSTAT bytes_written 5\r\n"
        + "STAT limit_maxbytes 67108864\r\nSTAT accepting_conns 0\r\nSTAT threads 1\r\n");
    assertThat(reply).endsWith("STAT evictions 0\r\nSTAT reclaimed 0\r\nEND\r\n");

    first.client.transport().loseConnection();
    first.loopback.flush();
    assertThat(server.stats().getLong("curr_connections")).isEqualTo(1);
    assertThat(server.currentConnections()).isEqualTo(1);
  }

  // --- connection limit ---------------------------------------------------------------------------

  @Test
  void overTheConnectionLimitANewConnectionGetsServerErrorAndIsClosed() {
    server = build(b -> b.maxConnections(2));
    Connection first = new Connection();
    new Connection();

    Connection third = new Connection();

    assertThat(third.client.takeReceived()).isEqualTo("SERVER_ERROR too many connections\r\n");
    assertThat(third.closed()).isTrue();
    assertThat(third.client.lost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(server.stats().getLong("rejected_connections")).isEqualTo(1);
    assertThat(server.stats().getLong("curr_connections")).isEqualTo(2);

    first.client.transport().loseConnection();
    first.loopback.flush();
    Connection fourth = new Connection();
    assertThat(fourth.exchange("version\r\n")).isEqualTo("VERSION 1.6.18-braid\r\n");
  }

  // --- the parser's limits and malformed input ----------------------------------------------------

  @Test
  void malformedInputClosesOnlyThatConnection() {
    Connection good = new Connection();
    Connection bad = new Connection();
    good.exchange("set k 0 0 1\r\nv\r\n");

    assertThat(bad.exchange("set k 0 0 abc\r\nget k\r\n"))
        .isEqualTo("CLIENT_ERROR bad command line format\r\n");
    assertThat(bad.closed()).isTrue();

    assertThat(good.closed()).isFalse();
    assertThat(good.exchange("get k\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
    assertThat(new Connection().exchange("get k\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
  }

  @Test
  void aBadDataChunkClosesTheConnectionWithoutStoringOrReadingTheDataAsCommands() {
    Connection c = new Connection();

    assertThat(c.exchange("set k 0 0 2\r\nabflush_all\r\n"))
        .isEqualTo("CLIENT_ERROR bad data chunk\r\n");

    assertThat(c.closed()).isTrue();
    assertThat(server.store().itemCount()).isZero();
  }

  @Test
  void aLineOverTheLimitGetsLineTooLongAndClosesTheConnection() {
    server = build(b -> b.limits(MemcacheLimits.DEFAULTS.withMaxLineLength(512)));
    Connection c = new Connection();

    assertThat(c.exchange("get " + "k".repeat(600))).isEqualTo("CLIENT_ERROR line too long\r\n");

    assertThat(c.closed()).isTrue();
  }

  @Test
  void aValueOverTheLimitGetsServerErrorAndTheConnectionGoesOn() {
    server = build(b -> b.limits(MemcacheLimits.DEFAULTS.withMaxValueLength(10)));
    Connection c = new Connection();

    assertThat(c.exchange("set k 0 0 11\r\n" + "x".repeat(11) + "\r\nset k 0 0 10\r\n"
        + "x".repeat(10) + "\r\n"))
        .isEqualTo("SERVER_ERROR object too large for cache\r\nSTORED\r\n");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void aGetOfTooManyKeysGetsClientErrorAndTheConnectionGoesOn() {
    server = build(b -> b.limits(MemcacheLimits.DEFAULTS.withMaxKeysPerGet(2)));
    Connection c = new Connection();

    assertThat(c.exchange("get a b c\r\nget a b\r\n"))
        .isEqualTo("CLIENT_ERROR too many keys\r\nEND\r\n");
  }

  @Test
  void unknownCommandsGetErrorAndTheConnectionGoesOn() {
    Connection c = new Connection();

    assertThat(c.exchange("bogus\r\n\r\nverbosity 1\r\nversion\r\n"))
        .isEqualTo("ERROR\r\nERROR\r\nERROR\r\nVERSION 1.6.18-braid\r\n");
  }

  @Test
  void quitClosesTheConnectionAndIgnoresWhatFollows() {
    Connection c = new Connection();

    assertThat(c.exchange("quit\r\nset k 0 0 1\r\nv\r\n")).isEmpty();

    assertThat(c.closed()).isTrue();
    assertThat(server.store().itemCount()).isZero();
  }

  @Test
  void noreplyRequestsGetNoReplyButAnUnknownCommandIsAnsweredAnyway() {
    Connection c = new Connection();

    // As memcached: an unknown command cannot know it takes noreply, so it is answered.
    assertThat(c.exchange("set k 0 0 1 noreply\r\nv\r\nincr k 1 noreply\r\nbogus noreply\r\n"
        + "delete missing noreply\r\nget k\r\n"))
        .isEqualTo("ERROR\r\nVALUE k 0 1\r\nv\r\nEND\r\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64, Integer.MAX_VALUE})
  void requestsInChunksOfAnySizeGetTheSameReplies(int chunkSize) {
    String requests = "set a 1 0 3\r\nabc\r\nget a missing\r\nappend a 0 0 2\r\n\r\n\r\n"
        + "gets a\r\nincr n 1\r\nset n 0 0 2\r\n41\r\nincr n 1\r\ntouch a 100\r\n"
        + "delete a\r\ndelete a\r\nbogus\r\nset x 0 0 3\r\nabcde\r\n";
    Connection c = new Connection();
    c.loopback.setMaxChunkSize(chunkSize);

    assertThat(c.exchange(requests)).isEqualTo("STORED\r\nVALUE a 1 3\r\nabc\r\nEND\r\nSTORED\r\n"
        + "VALUE a 1 5 2\r\nabc\r\n\r\nEND\r\nNOT_FOUND\r\nSTORED\r\n42\r\nTOUCHED\r\n"
        + "DELETED\r\nNOT_FOUND\r\nERROR\r\nCLIENT_ERROR bad data chunk\r\n");
    assertThat(c.closed()).isTrue();
  }

  // --- lifecycle ----------------------------------------------------------------------------------

  @Test
  void stopClosesEveryConnectionAndFiresWhenTheyAreGone() {
    Deferred<MemcacheServer> listening = server.listen(0);
    DeferredAssertions.successResultOf(listening);
    Connection c = new Connection();
    assertThat(reactor.tcpServers()).hasSize(1);

    Deferred<Void> stopped = server.stop();
    DeferredAssertions.assertNoResult(stopped);
    c.loopback.flush();

    assertThat(c.closed()).isTrue();
    DeferredAssertions.successResultOf(stopped);
    assertThat(reactor.tcpServers().get(0).listeningPort().isListening()).isFalse();
    assertThat(new Connection().closed()).isTrue(); // turned away once stopped
  }

  @Test
  void theServerListensOnLoopbackByDefault() {
    DeferredAssertions.successResultOf(server.listen(0));

    assertThat(reactor.tcpServers().get(0).iface()).isEqualTo("127.0.0.1");
    assertThat(server.address().getHostString()).isEqualTo("127.0.0.1");
    assertThat(server.stats().get("accepting_conns")).isEqualTo("1");
  }

  @Test
  void listeningTwiceIsRefused() {
    DeferredAssertions.successResultOf(server.listen(0));

    assertThatThrownBy(() -> server.listen(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("listen called in state LISTENING; a server listens once");
  }
}
