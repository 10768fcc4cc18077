package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.protocols.memcache.Feeding.bytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MemcacheEncodersTest {
  private static final MemcacheRequestEncoder ENCODER = new MemcacheRequestEncoder();

  private static String wire(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static byte[] join(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Every request kind, with the extremes of each number. */
  private static final List<MemcacheRequest> REQUESTS = List.of(
      MemcacheRequest.get("a"),
      MemcacheRequest.gets("a", "b\u00e9"),
      MemcacheRequest.set("k", -1, -1, bytes("a\r\nb")),
      MemcacheRequest.add("k", 0, 2592000, new byte[0]),
      MemcacheRequest.replace("k", 1, 2, bytes("x")).withNoreply(),
      MemcacheRequest.append("k", bytes("y")),
      MemcacheRequest.prepend("k", bytes("z")),
      MemcacheRequest.cas("k", 3, 4, bytes("w"), -1L),
      MemcacheRequest.delete("k"),
      MemcacheRequest.delete("k").withNoreply(),
      MemcacheRequest.incr("k", -1L),
      MemcacheRequest.decr("k", 5).withNoreply(),
      MemcacheRequest.touch("k", -1),
      MemcacheRequest.touch("k", 7).withNoreply(),
      MemcacheRequest.stats(),
      MemcacheRequest.stats("items"),
      MemcacheRequest.version(),
      MemcacheRequest.flushAll(),
      MemcacheRequest.flushAll(30).withNoreply(),
      MemcacheRequest.quit());

  // --- requests ---------------------------------------------------------------------------------

  @Test
  void requestsAreWrittenInTheTextProtocolWithUnsignedNumbers() {
    List<String> written = REQUESTS.stream().map(r -> wire(ENCODER.encode(r))).toList();
    assertThat(written).containsExactly(
        "get a\r\n",
        "gets a b\u00c3\u00a9\r\n",
        "set k 4294967295 -1 4\r\na\r\nb\r\n",
        "add k 0 2592000 0\r\n\r\n",
        "replace k 1 2 1 noreply\r\nx\r\n",
        "append k 0 0 1\r\ny\r\n",
        "prepend k 0 0 1\r\nz\r\n",
        "cas k 3 4 1 18446744073709551615\r\nw\r\n",
        "delete k\r\n",
        "delete k noreply\r\n",
        "incr k 18446744073709551615\r\n",
        "decr k 5 noreply\r\n",
        "touch k -1\r\n",
        "touch k 7 noreply\r\n",
        "stats\r\n",
        "stats items\r\n",
        "version\r\n",
        "flush_all\r\n",
        "flush_all 30 noreply\r\n",
        "quit\r\n");
  }

  @Test
  void gatheringEncodingSharesTheDataArrayAndEqualsTheFlatEncoding() {
    for (MemcacheRequest request : REQUESTS) {
      List<byte[]> parts = new ArrayList<>();
      ENCODER.encodeInto(request, parts);
      assertThat(join(parts)).as(request.describe()).isEqualTo(ENCODER.encode(request));
      if (request instanceof MemcacheRequest.Store store) {
        assertThat(parts.get(1)).isSameAs(store.data());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void everyEncodedRequestParsesBackToItself(Feeding feeding) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    REQUESTS.forEach(r -> all.writeBytes(ENCODER.encode(r)));
    for (List<byte[]> chunks : feeding.cuts(all.toByteArray())) {
      MemcacheRequestParser parser = new MemcacheRequestParser();
      List<ParsedRequest> parsed = new ArrayList<>();
      chunks.forEach(chunk -> parser.feed(chunk, parsed::add));
      assertThat(parsed).as(Feeding.describe(chunks)).containsExactlyElementsOf(REQUESTS);
    }
  }

  @Test
  void valueLargerThanTheLimitIsRefusedBeforeAnythingIsSent() {
    MemcacheRequestEncoder encoder =
        new MemcacheRequestEncoder(MemcacheLimits.DEFAULTS.withMaxValueLength(4));
    MemcacheRequest set = MemcacheRequest.set("user:42", 0, 0, new byte[5]);
    List<byte[]> parts = new ArrayList<>();
    assertThatThrownBy(() -> encoder.encodeInto(set, parts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("set user:42 (5 bytes): value length 5 bytes exceeds maximum 4");
    assertThat(parts).isEmpty();
    assertThat(encoder.encode(MemcacheRequest.set("user:42", 0, 0, new byte[4]))).isNotEmpty();
  }

  @Test
  void getOfMoreKeysThanTheLimitIsRefused() {
    MemcacheRequestEncoder encoder =
        new MemcacheRequestEncoder(MemcacheLimits.DEFAULTS.withMaxKeysPerGet(2));
    assertThatThrownBy(() -> encoder.encode(MemcacheRequest.get("a", "b", "c")))
        .hasMessage("get a and 2 more keys: 3 keys exceed the maximum 2 per get; split the get");
  }

  @Test
  void commandLineLongerThanTheLimitIsRefused() {
    MemcacheRequestEncoder encoder =
        new MemcacheRequestEncoder(MemcacheLimits.DEFAULTS.withMaxLineLength(512));
    String[] keys = new String[3];
    java.util.Arrays.fill(keys, "k".repeat(250));
    assertThatThrownBy(() -> encoder.encode(MemcacheRequest.get(keys)))
        .hasMessage("get " + "k".repeat(250) + " and 2 more keys: command line length 756 bytes"
            + " exceeds maximum 512");
  }

  @Test
  void invalidKeysAreRefusedWhenTheRequestIsBuilt() {
    assertThatThrownBy(() -> MemcacheRequest.get("k".repeat(251)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key length 251 bytes exceeds maximum 250: \"kkkk");
    // 84 two-byte characters are 168 bytes, 126 of them 252: the limit is in bytes.
    assertThatThrownBy(() -> MemcacheRequest.delete("\u00e9".repeat(126)))
        .hasMessageStartingWith("key length 252 bytes exceeds maximum 250");
    assertThatThrownBy(() -> MemcacheRequest.set("a b", 0, 0, new byte[0]))
        .hasMessageStartingWith("key has a space at byte 1; spaces and control characters are"
            + " not allowed: \"a b\"");
    assertThatThrownBy(() -> MemcacheRequest.incr("a\r\nflush_all", 1))
        .hasMessageStartingWith("key has control character 0x0d at byte 1");
    assertThatThrownBy(() -> MemcacheRequest.touch("", 1))
        .hasMessage("key is empty; a memcache key has 1 to 250 bytes");
    assertThatThrownBy(() -> MemcacheRequest.get())
        .hasMessage("get needs at least one key");
    assertThatThrownBy(() -> MemcacheRequest.stats("a b"))
        .hasMessage("stats argument must be a word with no space or control character: \"a b\"");
    assertThat(MemcacheKey.isValid("k".repeat(250))).isTrue();
  }

  @Test
  void casUniqueGoesOnlyWithCas() {
    assertThatThrownBy(() -> new MemcacheRequest.Store(StorageCommand.SET, "k", 0, 0,
        new byte[0], 9, false))
        .hasMessage("cas unique 9 given to set; only cas takes one");
  }

  @Test
  void requestsDescribeThemselvesWithoutTheirData() {
    MemcacheRequest.Store set = MemcacheRequest.cas("user:42", 1, 2, bytes("secret"), -1L);
    assertThat(set.toString())
        .isEqualTo("Store[cas key=user:42, flags=1, exptime=2, 6 bytes,"
            + " cas=18446744073709551615]")
        .doesNotContain("secret");
    assertThat(set.describe()).isEqualTo("cas user:42 (6 bytes)");
    assertThat(MemcacheRequest.incr("n", -1L).describe()).isEqualTo("incr n 18446744073709551615");
  }

  // --- replies ----------------------------------------------------------------------------------

  private static final MemcacheRequest.Get GET_AB = MemcacheRequest.gets("a", "b");

  private static Map<String, String> stats() {
    Map<String, String> stats = new LinkedHashMap<>();
    stats.put("pid", "1");
    stats.put("version", "1.6 braid");
    return stats;
  }

  /** Replies paired with the request each answers. */
  private static final List<MemcacheReply> REPLIES = List.of(
      new GetResult(List.of(new Value("a", -1, bytes("x\r\ny"), OptionalLong.of(-1L)),
          new Value("b", 0, new byte[0], OptionalLong.of(1)))),
      GetResult.EMPTY,
      StoreResult.STORED, StoreResult.NOT_STORED, StoreResult.EXISTS, StoreResult.NOT_FOUND,
      DeleteResult.DELETED, DeleteResult.NOT_FOUND,
      TouchResult.TOUCHED, TouchResult.NOT_FOUND,
      CounterResult.of(-1L), CounterResult.NOT_FOUND,
      new StatsResult(stats()),
      new VersionResult("1.6.21"),
      OkReply.OK,
      ErrorReply.error(), ErrorReply.clientError("bad data chunk"),
      ErrorReply.serverError("out of memory storing object"));

  private static final List<MemcacheRequest> ANSWERED = List.of(
      GET_AB, GET_AB,
      MemcacheRequest.set("k", 0, 0, new byte[0]), MemcacheRequest.add("k", 0, 0, new byte[0]),
      MemcacheRequest.cas("k", 0, 0, new byte[0], 1), MemcacheRequest.cas("k", 0, 0, new byte[0], 1),
      MemcacheRequest.delete("k"), MemcacheRequest.delete("k"),
      MemcacheRequest.touch("k", 1), MemcacheRequest.touch("k", 1),
      MemcacheRequest.incr("k", 1), MemcacheRequest.decr("k", 1),
      MemcacheRequest.stats(),
      MemcacheRequest.version(),
      MemcacheRequest.flushAll(),
      MemcacheRequest.version(), MemcacheRequest.get("k"), MemcacheRequest.delete("k"));

  @Test
  void repliesAreWrittenInTheTextProtocol() {
    List<String> written = REPLIES.stream().map(r -> wire(MemcacheReplyEncoder.encode(r)))
        .toList();
    assertThat(written).containsExactly(
        "VALUE a 4294967295 4 18446744073709551615\r\nx\r\ny\r\nVALUE b 0 0 1\r\n\r\nEND\r\n",
        "END\r\n",
        "STORED\r\n", "NOT_STORED\r\n", "EXISTS\r\n", "NOT_FOUND\r\n",
        "DELETED\r\n", "NOT_FOUND\r\n",
        "TOUCHED\r\n", "NOT_FOUND\r\n",
        "18446744073709551615\r\n", "NOT_FOUND\r\n",
        "STAT pid 1\r\nSTAT version 1.6 braid\r\nEND\r\n",
        "VERSION 1.6.21\r\n",
        "OK\r\n",
        "ERROR\r\n", "CLIENT_ERROR bad data chunk\r\n",
        "SERVER_ERROR out of memory storing object\r\n");
  }

  @Test
  void getValuesWithoutCasAreWrittenWithoutIt() {
    GetResult get = new GetResult(List.of(new Value("a", 3, bytes("v"), OptionalLong.empty())));
    assertThat(wire(MemcacheReplyEncoder.encode(get))).isEqualTo("VALUE a 3 1\r\nv\r\nEND\r\n");
  }

  @Test
  void gatheringReplyEncodingSharesValueArraysAndEqualsTheFlatEncoding() {
    for (MemcacheReply reply : REPLIES) {
      List<byte[]> parts = new ArrayList<>();
      MemcacheReplyEncoder.encodeInto(reply, parts);
      assertThat(join(parts)).as(reply.toString()).isEqualTo(MemcacheReplyEncoder.encode(reply));
      if (reply instanceof GetResult get && !get.values().isEmpty()) {
        assertThat(parts).anySatisfy(part -> assertThat(part).isSameAs(get.values().get(0).data()));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void everyEncodedReplyParsesBackToItself(Feeding feeding) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    REPLIES.forEach(r -> all.writeBytes(MemcacheReplyEncoder.encode(r)));
    for (List<byte[]> chunks : feeding.cuts(all.toByteArray())) {
      MemcacheReplyParser parser = new MemcacheReplyParser();
      ANSWERED.forEach(parser::expect);
      List<MemcacheReply> parsed = new ArrayList<>();
      chunks.forEach(chunk -> parser.feed(chunk, parsed::add));
      assertThat(parsed).as(Feeding.describe(chunks)).containsExactlyElementsOf(REPLIES);
    }
  }

  @Test
  void replyContentsThatWouldBreakFramingAreRefusedWhenBuilt() {
    assertThatThrownBy(() -> ErrorReply.clientError("a\r\nSTORED"))
        .hasMessage("error message has a line break at char 1: \"a\\x0d\\x0aSTORED\"");
    assertThatThrownBy(() -> new VersionResult("1\n"))
        .hasMessage("version has a line break at char 1: \"1\\x0a\"");
    assertThatThrownBy(() -> new StatsResult(Map.of("a b", "1")))
        .hasMessage("stat name must be non-empty with no space or line break: \"a b\"");
    assertThatThrownBy(() -> new StatsResult(Map.of("a", "1\r")))
        .hasMessage("value of stat a has a line break: \"1\\x0d\"");
    assertThatThrownBy(() -> new Value("a b", 0, new byte[0], OptionalLong.empty()))
        .hasMessageStartingWith("key has a space");
  }

  @Test
  void errorRepliesBecomeTheMatchingExceptions() {
    assertThat(ErrorReply.error().toException("frob"))
        .isInstanceOf(MemcacheNoSuchCommandException.class)
        .hasMessage("ERROR (request: frob)");
    assertThat(ErrorReply.clientError("bad data chunk").toException("set k (1 bytes)"))
        .isInstanceOf(MemcacheClientErrorException.class)
        .hasMessage("CLIENT_ERROR bad data chunk (request: set k (1 bytes))");
    MemcacheErrorException server =
        ErrorReply.serverError("out of memory").toException("get k");
    assertThat(server).isInstanceOf(MemcacheServerErrorException.class);
    assertThat(server.reply()).isEqualTo(ErrorReply.serverError("out of memory"));
  }

  @Test
  void valuesShowSizeNotData() {
    Value value = new Value("k", 1, bytes("secret"), OptionalLong.of(-1L));
    assertThat(value.toString())
        .isEqualTo("Value[key=\"k\", flags=1, 6 bytes, cas=18446744073709551615]");
    assertThat(value).isEqualTo(new Value("k", 1, bytes("secret"), OptionalLong.of(-1L)))
        .hasSameHashCodeAs(new Value("k", 1, bytes("secret"), OptionalLong.of(-1L)));
    assertThat(CounterResult.of(-1L).toString()).isEqualTo("CounterResult[18446744073709551615]");
  }

  @Test
  void getResultFindsValuesByKey() {
    GetResult result = (GetResult) REPLIES.get(0);
    assertThat(result.find("b")).map(Value::data).hasValue(new byte[0]);
    assertThat(result.find("c")).isEmpty();
    assertThat(result.asMap()).containsOnlyKeys("a", "b");
  }
}
