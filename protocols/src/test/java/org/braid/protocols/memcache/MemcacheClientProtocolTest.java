package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionClosed;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.ReactorAssertions;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client protocol on an in-memory transport, with the server's bytes scripted: what is
 * written, how replies complete requests, error replies, broken framing, timeouts on a manual
 * clock, connection loss. Every scripted reply is fed whole and one byte at a time (and split at
 * every position where the test says {@code Feeding}); the error replies are memcached's own
 * bytes ({@link MemcachedReplies}). Facts from Twisted cite its test_memcache.py.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MemcacheClientProtocolTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ManualClock clock = new ManualClock();
  private final MemcacheClientProtocol client = new MemcacheClientProtocol(clock, TIMEOUT);
  private final StringTransport transport = StringTransport.withDisconnection(client);

  {
    client.makeConnection(transport);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private String written() {
    String value = transport.valueString(StandardCharsets.ISO_8859_1);
    transport.clear();
    return value;
  }

  /** Feeds the server's bytes as {@code feeding} cuts them (its first cut). */
  private void serverSends(String reply, Feeding feeding) {
    for (byte[] chunk : feeding.cuts(bytes(reply)).get(0)) {
      client.dataReceived(chunk);
    }
  }

  // --- what is written --------------------------------------------------------------------------

  @Test
  void eachCommandWritesItsRequestAtOnce() {
    client.get("k");
    client.gets("k");
    client.getAll(List.of("a", "b", "a"));
    client.set("k", 5, 100, bytes("abc"));
    client.add("k", bytes("v"));
    client.replace("k", bytes("v"));
    client.append("k", bytes("v"));
    client.prepend("k", bytes("v"));
    client.cas("k", 1, 2, bytes("v"), 99);
    client.delete("k");
    client.incr("k", 3);
    client.decr("k", -1L);
    client.touch("k", 10);
    client.stats();
    client.stats("items");
    client.version();
    client.flushAll();
    client.flushAll(30);

    assertThat(written()).isEqualTo("get k\r\ngets k\r\nget a b\r\nset k 5 100 3\r\nabc\r\n"
        + "add k 0 0 1\r\nv\r\nreplace k 0 0 1\r\nv\r\nappend k 0 0 1\r\nv\r\n"
        + "prepend k 0 0 1\r\nv\r\ncas k 1 2 1 99\r\nv\r\ndelete k\r\nincr k 3\r\n"
        + "decr k 18446744073709551615\r\ntouch k 10\r\nstats\r\nstats items\r\nversion\r\n"
        + "flush_all\r\nflush_all 30\r\n");
    assertThat(client.pendingCount()).isEqualTo(18);
  }

  @Test
  void anEmptyGetAllSucceedsWithoutARequest() {
    assertThat(successResultOf(client.getAll(List.of()))).isEmpty();
    assertThat(written()).isEmpty();
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void refusedInputWritesNothingAndLeavesTheConnectionUsable() {
    Failure longKey = failureResultOf(client.get("k".repeat(251)), IllegalArgumentException.class);
    failureResultOf(client.set("a b", bytes("v")), IllegalArgumentException.class);
    failureResultOf(client.set("k", new byte[1024 * 1024 + 1]), IllegalArgumentException.class);
    failureResultOf(client.getAll(java.util.Collections.nCopies(1, "x".repeat(300))),
        IllegalArgumentException.class);
    failureResultOf(client.send(MemcacheRequest.set("k", 0, 0, bytes("v")).withNoreply()),
        IllegalArgumentException.class);
    failureResultOf(client.send(MemcacheRequest.quit()), IllegalArgumentException.class);

    assertThat(longKey.getErrorMessage()).contains("key length 251 bytes exceeds maximum 250");
    assertThat(written()).isEmpty();
    assertThat(client.pendingCount()).isZero();
    ReactorAssertions.assertClean(clock);
    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void eachDeferredIsDescribedAsItsRequestAndTheServer() {
    Deferred<Optional<Value>> get = client.get("user:42");
    Deferred<StoreResult> set = client.set("user:42", bytes("hello"));
    Deferred<Map<String, Value>> many = client.getAll(List.of("a", "b", "c"));

    assertThat(get.toString()).endsWith("[pending: get \"user:42\" on 192.168.1.1:54321]");
    assertThat(set.toString()).endsWith("[pending: set \"user:42\" (5 bytes) on 192.168.1.1:54321]");
    assertThat(many.toString()).endsWith("get \"a\" and 2 more keys on 192.168.1.1:54321]");
    assertThat(client.toString()).isEqualTo("MemcacheClientProtocol[CONNECTED 192.168.1.1:54321,"
        + " 3 pending, oldest: get \"user:42\" on 192.168.1.1:54321]");
  }

  // --- replies ----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void eachReplyCompletesTheOldestRequestInOrder(Feeding feeding) {
    // test_memcache.py: test_pipelining (several replies in one chunk)
    String replies = "STORED\r\nVALUE k 3 5 77\r\nhello\r\nEND\r\nVALUE a 0 1\r\n1\r\n"
        + "VALUE c 0 2\r\n\r\n\r\nEND\r\nNOT_FOUND\r\n42\r\nTOUCHED\r\nSTAT pid 7\r\n"
        + "STAT version 1.6.18 (Ubuntu)\r\nEND\r\nVERSION 1.6.18\r\nOK\r\nEXISTS\r\nDELETED\r\n";
    for (List<byte[]> cut : feeding.cuts(bytes(replies))) {
      MemcacheClientProtocol fresh = new MemcacheClientProtocol(clock, TIMEOUT);
      fresh.makeConnection(StringTransport.withDisconnection(fresh));
      Deferred<StoreResult> set = fresh.set("k", bytes("hello"));
      Deferred<Optional<Value>> gets = fresh.gets("k");
      Deferred<Map<String, Value>> many = fresh.getAll(List.of("a", "b", "c"));
      Deferred<CounterResult> decr = fresh.decr("missing", 1);
      Deferred<CounterResult> incr = fresh.incr("n", 1);
      Deferred<TouchResult> touch = fresh.touch("k", 0);
      Deferred<StatsResult> stats = fresh.stats();
      Deferred<String> version = fresh.version();
      Deferred<Void> flush = fresh.flushAll();
      Deferred<StoreResult> cas = fresh.cas("k", bytes("x"), 76);
      Deferred<DeleteResult> delete = fresh.delete("k");

      for (byte[] chunk : cut) {
        fresh.dataReceived(chunk);
      }

      String at = Feeding.describe(cut);
      assertThat(successResultOf(set)).as(at).isEqualTo(StoreResult.STORED);
      assertThat(successResultOf(gets)).as(at)
          .contains(new Value("k", 3, bytes("hello"), OptionalLong.of(77)));
      Map<String, Value> values = successResultOf(many);
      assertThat(values.keySet()).as(at).containsExactly("a", "c");
      assertThat(values.get("c").data()).as(at).isEqualTo(bytes("\r\n"));
      assertThat(successResultOf(decr)).as(at).isEqualTo(CounterResult.NOT_FOUND);
      assertThat(successResultOf(incr)).as(at).isEqualTo(CounterResult.of(42));
      assertThat(successResultOf(touch)).as(at).isEqualTo(TouchResult.TOUCHED);
      assertThat(successResultOf(stats).stats()).as(at)
          .containsExactly(Map.entry("pid", "7"), Map.entry("version", "1.6.18 (Ubuntu)"));
      assertThat(successResultOf(version)).as(at).isEqualTo("1.6.18");
      assertThat(successResultOf(flush)).as(at).isNull();
      assertThat(successResultOf(cas)).as(at).isEqualTo(StoreResult.EXISTS);
      assertThat(successResultOf(delete)).as(at).isEqualTo(DeleteResult.DELETED);
      assertThat(fresh.pendingCount()).as(at).isZero();
      ReactorAssertions.assertClean(clock);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Feeding.class, names = {"ALL_AT_ONCE", "ONE_BYTE_AT_A_TIME"})
  void oldSpellingsOfNotFoundAndNotStoredAreAccepted(Feeding feeding) {
    // test_memcache.py: test_errorAdd, test_errorDelete
    Deferred<StoreResult> add = client.add("k", bytes("v"));
    Deferred<DeleteResult> delete = client.delete("k");

    serverSends("NOT STORED\r\nNOT FOUND\r\n", feeding);

    assertThat(successResultOf(add)).isEqualTo(StoreResult.NOT_STORED);
    assertThat(successResultOf(delete)).isEqualTo(DeleteResult.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(value = Feeding.class, names = {"ALL_AT_ONCE", "ONE_BYTE_AT_A_TIME"})
  void errorRepliesFailOnlyTheirRequestWithTheMatchingException(Feeding feeding) {
    // test_memcache.py: test_invalidCommand, test_clientError, test_serverError
    Deferred<CounterResult> incr = client.incr("word", 1);
    Deferred<StoreResult> tooLarge = client.set("big", bytes("x"));
    Deferred<StatsResult> stats = client.stats("bogus");
    Deferred<Void> flush = client.flushAll();

    serverSends(MemcachedReplies.NON_NUMERIC + MemcachedReplies.TOO_LARGE + MemcachedReplies.ERROR
        + "OK\r\n", feeding);

    Failure clientError = failureResultOf(incr, MemcacheClientErrorException.class);
    assertThat(clientError.getErrorMessage()).isEqualTo("CLIENT_ERROR cannot increment or"
        + " decrement non-numeric value (request: incr \"word\" 1 on 192.168.1.1:54321)");
    assertThat(((MemcacheErrorException) clientError.value()).reply())
        .isEqualTo(ErrorReply.clientError("cannot increment or decrement non-numeric value"));
    assertThat(failureResultOf(tooLarge, MemcacheServerErrorException.class).getErrorMessage())
        .startsWith("SERVER_ERROR object too large for cache (request: set \"big\" (1 bytes)");
    failureResultOf(stats, MemcacheNoSuchCommandException.class);
    assertThat(successResultOf(flush)).isNull();
    assertThat(client.isConnected()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Feeding.class, names = {"ALL_AT_ONCE", "ONE_BYTE_AT_A_TIME"})
  void anErrorLineAmongAGetsValuesFailsThatGetAndTheNextRequestGoesOn(Feeding feeding) {
    Deferred<Map<String, Value>> many = client.getAll(List.of("a", "b"));
    Deferred<Optional<Value>> next = client.get("c");

    serverSends("VALUE a 0 1\r\n1\r\nSERVER_ERROR out of memory writing get response\r\n"
        + "VALUE c 0 1\r\n3\r\nEND\r\n", feeding);

    failureResultOf(many, MemcacheServerErrorException.class);
    assertThat(successResultOf(next)).map(Value::data).contains(bytes("3"));
  }

  @Test
  void aReplyCallbackMaySendTheNextRequest() {
    Deferred<Optional<Value>> second = client.get("a")
        .addCallbackDeferring(hit -> client.get("b"));
    written();

    client.dataReceived(bytes("END\r\n"));

    assertThat(written()).isEqualTo("get b\r\n");
    client.dataReceived(bytes("VALUE b 0 1\r\nB\r\nEND\r\n"));
    assertThat(successResultOf(second)).map(Value::data).contains(bytes("B"));
  }

  // --- broken framing ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = Feeding.class, names = {"ALL_AT_ONCE", "ONE_BYTE_AT_A_TIME"})
  void aMalformedValueLineFailsEveryPendingRequestAndAbortsTheConnection(Feeding feeding) {
    Deferred<Optional<Value>> get = client.get("k");
    Deferred<StoreResult> set = client.set("k", bytes("v"));

    serverSends("VALUE k 0 notanumber\r\n", feeding);

    Failure first = failureResultOf(get, MemcacheProtocolException.class);
    Failure second = failureResultOf(set, MemcacheProtocolException.class);
    assertThat(first.getErrorMessage()).contains("bad data length in VALUE line");
    assertThat(second.getErrorMessage()).startsWith("set \"k\" (1 bytes) on 192.168.1.1:54321:"
        + " dropped unanswered, an earlier reply broke the protocol: ");
    assertThat(transport.isDisconnected()).isTrue();
    assertThat(client.isConnected()).isFalse();
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void aValueForAKeyThatWasNotRequestedBreaksTheProtocol() {
    // test_memcache.py: test_invalidGetResponse, test_invalidMultipleGetResponse
    Deferred<Optional<Value>> get = client.get("foo");

    client.dataReceived(bytes("VALUE bar 0 7\r\nspamegg\r\nEND\r\n"));

    assertThat(failureResultOf(get, MemcacheProtocolException.class).getErrorMessage())
        .contains("VALUE for key \"bar\" which was not requested by get foo");
    assertThat(transport.isDisconnected()).isTrue();
  }

  @Test
  void anEndThatAnswersADeleteBreaksTheProtocol() {
    // test_memcache.py: test_invalidEndResponse
    Deferred<DeleteResult> delete = client.delete("k");

    client.dataReceived(bytes("END\r\n"));

    assertThat(failureResultOf(delete, MemcacheProtocolException.class).getErrorMessage())
        .contains("unexpected reply line \"END\" to delete k");
  }

  @Test
  void aReplyWithNothingPendingBreaksTheProtocolAndLaterCallsFailAtOnce() {
    client.dataReceived(bytes("STORED\r\n"));

    assertThat(transport.isDisconnected()).isTrue();
    Failure later = failureResultOf(client.get("k"), ConnectionClosed.class);
    assertThat(later.getErrorMessage()).startsWith("get \"k\" on 192.168.1.1:54321: the"
        + " connection is closed (org.braid.protocols.memcache.MemcacheProtocolException:"
        + " unexpected reply line with no request outstanding: \"STORED\")");
    assertThat(later.value().getCause()).isInstanceOf(MemcacheProtocolException.class);
  }

  // --- timeouts ---------------------------------------------------------------------------------

  @Test
  void aTimeoutFailsEveryPendingRequestAndAbortsTheConnection() {
    // test_memcache.py: test_timeOut, test_timeoutNotReset (the second request's own deadline
    // is later, but it fails with the first: its reply could no longer be matched)
    Deferred<Optional<Value>> first = client.get("a");
    clock.advance(Duration.ofSeconds(4));
    Deferred<StoreResult> second = client.set("b", bytes("v"));

    clock.advance(Duration.ofMillis(999));
    assertNoResult(first);
    clock.advance(Duration.ofMillis(1));

    assertThat(failureResultOf(first, TimeoutException.class).getErrorMessage())
        .isEqualTo("get \"a\" on 192.168.1.1:54321: no reply within 5s; the connection was"
            + " dropped with 2 pending requests");
    assertThat(failureResultOf(second, TimeoutException.class).getErrorMessage())
        .isEqualTo("set \"b\" (1 bytes) on 192.168.1.1:54321: dropped unanswered because"
            + " get \"a\" on 192.168.1.1:54321 got no reply within 5s");
    assertThat(transport.isDisconnected()).isTrue();
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void afterATimeoutEveryCallFailsAtOnceWithTheTimeoutAsCause() {
    // test_memcache.py: test_timeoutCleanDeferreds, CommandFailureTests
    Deferred<Optional<Value>> get = client.get("a");
    clock.advance(TIMEOUT);
    failureResultOf(get, TimeoutException.class);

    Failure later = failureResultOf(client.version(), ConnectionClosed.class);

    assertThat(later.value().getCause()).isInstanceOf(TimeoutException.class);
    assertThat(written()).isEqualTo("get a\r\n");
  }

  @Test
  void eachRequestHasItsOwnDeadlineFromWhenItWasSent() {
    // Twisted restarts one connection-wide timer on every reply line (test_timeoutPipelining);
    // Braid gives each request the full timeout from when it was written.
    Deferred<Optional<Value>> first = client.get("a");
    clock.advance(Duration.ofSeconds(3));
    Deferred<Optional<Value>> second = client.get("b");
    clock.advance(Duration.ofSeconds(1));
    client.dataReceived(bytes("END\r\n"));
    assertThat(successResultOf(first)).isEmpty();

    clock.advance(Duration.ofMillis(3999)); // 7.999 s: the second was sent at 3 s
    assertNoResult(second);
    clock.advance(Duration.ofMillis(1));

    failureResultOf(second, TimeoutException.class);
  }

  @Test
  void aRequestSentLaterGetsTheFullTimeoutEvenWhenTheTimerWasArmedEarlier() {
    client.get("a");
    client.dataReceived(bytes("END\r\n"));
    clock.advance(Duration.ofSeconds(4));
    Deferred<Optional<Value>> late = client.get("b");

    clock.advance(Duration.ofSeconds(4)); // 8 s, 4 s after it was sent
    assertNoResult(late);
    client.dataReceived(bytes("END\r\n"));

    assertThat(successResultOf(late)).isEmpty();
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void noTimerIsLeftOnceEveryReplyHasArrived() {
    // test_memcache.py: test_timeoutRemoved
    Deferred<Optional<Value>> get = client.get("a");
    Deferred<StoreResult> set = client.set("b", bytes("v"));

    client.dataReceived(bytes("END\r\nSTORED\r\n"));

    successResultOf(get);
    successResultOf(set);
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void aTimeoutWhileAValueIsHalfReadFailsTheGet() {
    // test_memcache.py: test_timeOutRaw
    Deferred<Optional<Value>> get = client.get("k");
    client.dataReceived(bytes("VALUE k 0 10\r\n12345"));

    clock.advance(TIMEOUT);

    failureResultOf(get, TimeoutException.class);
    assertThat(transport.isDisconnected()).isTrue();
  }

  @Test
  void aTimeoutBetweenStatLinesFailsTheStats() {
    // test_memcache.py: test_timeOutStat
    Deferred<StatsResult> stats = client.stats();
    client.dataReceived(bytes("STAT foo bar\r\n"));

    clock.advance(TIMEOUT);

    failureResultOf(stats, TimeoutException.class);
  }

  @Test
  void aLateReplyAfterATimeoutIsIgnored() {
    Deferred<Optional<Value>> get = client.get("k");
    clock.advance(TIMEOUT);
    failureResultOf(get, TimeoutException.class);

    client.dataReceived(bytes("VALUE k 0 1\r\nx\r\nEND\r\n"));

    assertThat(client.pendingCount()).isZero();
  }

  // --- connection loss --------------------------------------------------------------------------

  @Test
  void connectionLossFailsEveryPendingRequestWithTheReason() {
    // test_memcache.py: test_connectionLost
    Deferred<Optional<Value>> get = client.get("k");
    Deferred<StoreResult> set = client.set("k", bytes("v"));

    client.connectionLost(new Failure(new ConnectionDone()));

    failureResultOf(get, ConnectionDone.class);
    failureResultOf(set, ConnectionDone.class);
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void everyCallAfterConnectionLossFailsAtOnceWithConnectionClosed() {
    // test_memcache.py: CommandFailureTests (every command)
    transport.abortConnection();
    List<Deferred<?>> calls = new ArrayList<>(List.of(client.get("k"), client.gets("k"),
        client.getAll(List.of("a")), client.getsAll(List.of("a")), client.set("k", bytes("v")),
        client.add("k", bytes("v")), client.replace("k", bytes("v")),
        client.append("k", bytes("v")), client.prepend("k", bytes("v")),
        client.cas("k", bytes("v"), 1), client.delete("k"), client.incr("k", 1),
        client.decr("k", 1), client.touch("k", 1), client.stats(), client.stats("items"),
        client.version(), client.flushAll()));

    for (Deferred<?> call : calls) {
      Failure failure = failureResultOf(call, ConnectionClosed.class);
      assertThat(failure.value().getCause()).isInstanceOf(ConnectionAborted.class);
    }
    assertThat(written()).isEmpty();
  }

  @Test
  void callsAfterLoseConnectionFailAtOnce() {
    StringTransport quiet = new StringTransport();
    MemcacheClientProtocol closing = new MemcacheClientProtocol(clock);
    closing.makeConnection(quiet);
    quiet.loseConnection();

    Failure failure = failureResultOf(closing.get("k"), ConnectionClosed.class);

    assertThat(failure.getErrorMessage()).contains("the connection is closing");
    assertThat(quiet.value()).isEmpty();
  }

  @Test
  void callsBeforeTheConnectionIsMadeFailWithIllegalState() {
    MemcacheClientProtocol unconnected = new MemcacheClientProtocol(clock);

    assertThat(failureResultOf(unconnected.get("k"), IllegalStateException.class)
        .getErrorMessage()).contains("not connected yet");
  }

  @Test
  void aNonPositiveTimeoutIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new MemcacheClientProtocol(clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request timeout must be positive: PT0S");
  }
}
