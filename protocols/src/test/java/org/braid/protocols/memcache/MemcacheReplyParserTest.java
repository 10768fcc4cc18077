package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.protocols.memcache.Feeding.bytes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MemcacheReplyParserTest {
  private static final MemcacheLimits SMALL = new MemcacheLimits(512, 16, 8);

  /** Feeds {@code wire} under every cut of {@code feeding} and checks the replies each time. */
  private static void assertReplies(Feeding feeding, List<? extends MemcacheRequest> requests,
      String wire, MemcacheReply... expected) {
    for (List<byte[]> chunks : feeding.cuts(bytes(wire))) {
      MemcacheReplyParser parser = new MemcacheReplyParser(SMALL);
      requests.forEach(parser::expect);
      List<MemcacheReply> replies = new ArrayList<>();
      for (byte[] chunk : chunks) {
        replies.addAll(parser.feed(chunk));
      }
      assertThat(replies).as(Feeding.describe(chunks)).containsExactly(expected);
      assertThat(parser.outstanding()).as(Feeding.describe(chunks))
          .isEqualTo(requests.stream().filter(MemcacheRequest::expectsReply).count()
              - expected.length);
    }
  }

  /** Feeds {@code wire} under every cut and checks it always fails with the message. */
  private static void assertFails(Feeding feeding, List<? extends MemcacheRequest> requests,
      String wire, String message) {
    for (List<byte[]> chunks : feeding.cuts(bytes(wire))) {
      MemcacheReplyParser parser = new MemcacheReplyParser(SMALL);
      requests.forEach(parser::expect);
      assertThatThrownBy(() -> {
        for (byte[] chunk : chunks) {
          parser.feed(chunk);
        }
      }).as(Feeding.describe(chunks))
          .isInstanceOf(MemcacheProtocolException.class)
          .hasMessageContaining(message);
      assertThat(parser.failed()).isTrue();
    }
  }

  private static Value value(String key, int flags, String data) {
    return new Value(key, flags, bytes(data), OptionalLong.empty());
  }

  private static Value value(String key, int flags, String data, long cas) {
    return new Value(key, flags, bytes(data), OptionalLong.of(cas));
  }

  // --- well-formed replies ---------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getHitGivesTheValueWithItsFlags(Feeding feeding) {
    assertReplies(feeding, List.of(MemcacheRequest.get("foo")),
        "VALUE foo 5 3\r\nbar\r\nEND\r\n",
        new GetResult(List.of(value("foo", 5, "bar"))));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getMissGivesAnEmptyResult(Feeding feeding) {
    assertReplies(feeding, List.of(MemcacheRequest.get("foo")), "END\r\n", GetResult.EMPTY);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueDataMayHoldCrlfAndEndBecauseItIsReadByLength(Feeding feeding) {
    // test_memcache.py: test_getInChunks reads a value across chunks; here the data itself
    // looks like protocol lines.
    assertReplies(feeding, List.of(MemcacheRequest.get("a", "b")),
        "VALUE a 0 7\r\nEND\r\n\r\r\r\nVALUE b 0 0\r\n\r\nEND\r\n",
        new GetResult(List.of(value("a", 0, "END\r\n\r\r"), value("b", 0, ""))));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getsGivesCasUniquesUpToTwoToThe64MinusOne(Feeding feeding) {
    assertReplies(feeding, List.of(MemcacheRequest.gets("x", "y")),
        "VALUE x 4294967295 1 18446744073709551615\r\n1\r\nVALUE y 0 1 7\r\n2\r\nEND\r\n",
        new GetResult(List.of(value("x", -1, "1", -1L), value("y", 0, "2", 7))));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageRepliesMapToStoreResults(Feeding feeding) {
    byte[] data = bytes("v");
    assertReplies(feeding,
        List.of(MemcacheRequest.set("k", 0, 0, data), MemcacheRequest.add("k", 0, 0, data),
            MemcacheRequest.cas("k", 0, 0, data, 1), MemcacheRequest.cas("k", 0, 0, data, 1),
            MemcacheRequest.replace("k", 0, 0, data), MemcacheRequest.append("k", data)),
        "STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nNOT STORED\r\nNOT FOUND\r\n",
        StoreResult.STORED, StoreResult.NOT_STORED, StoreResult.EXISTS, StoreResult.NOT_FOUND,
        // test_memcache.py: test_errorAdd, test_errorDelete accept the spaced spellings.
        StoreResult.NOT_STORED, StoreResult.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void deleteTouchAndCounterRepliesMapToTheirResults(Feeding feeding) {
    assertReplies(feeding,
        List.of(MemcacheRequest.delete("k"), MemcacheRequest.delete("k"),
            MemcacheRequest.touch("k", 10), MemcacheRequest.touch("k", 10),
            MemcacheRequest.incr("k", 1), MemcacheRequest.decr("k", 1),
            MemcacheRequest.incr("k", 1)),
        "DELETED\r\nNOT FOUND\r\nTOUCHED\r\nNOT_FOUND\r\n18446744073709551615\r\n0\r\n"
            + "NOT_FOUND\r\n",
        DeleteResult.DELETED, DeleteResult.NOT_FOUND, TouchResult.TOUCHED, TouchResult.NOT_FOUND,
        CounterResult.of(-1L), CounterResult.of(0), CounterResult.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void statsLinesUntilEndGiveAnOrderedMapWithValuesThatMayHoldSpaces(Feeding feeding) {
    Map<String, String> stats = new LinkedHashMap<>();
    stats.put("pid", "42");
    stats.put("version", "1.6.21 (Debian)");
    stats.put("libevent", "");
    assertReplies(feeding, List.of(MemcacheRequest.stats(), MemcacheRequest.stats("items")),
        "STAT pid 42\r\nSTAT version 1.6.21 (Debian)\r\nSTAT libevent\r\nEND\r\nEND\r\n",
        new StatsResult(stats), new StatsResult(Map.of()));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void versionAndFlushAllRepliesMapToTheirResults(Feeding feeding) {
    assertReplies(feeding, List.of(MemcacheRequest.version(), MemcacheRequest.flushAll()),
        "VERSION 1.6.21\r\nOK\r\n", new VersionResult("1.6.21"), OkReply.OK);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void errorLinesAnswerTheOldestRequestAndTheConnectionGoesOn(Feeding feeding) {
    // test_memcache.py: test_invalidCommand, test_clientError, test_serverError.
    assertReplies(feeding,
        List.of(MemcacheRequest.get("a"), MemcacheRequest.delete("a"), MemcacheRequest.stats(),
            MemcacheRequest.version()),
        "ERROR\r\nCLIENT_ERROR We don't like egg and spam\r\nSERVER_ERROR zomg\r\n"
            + "VERSION 1\r\n",
        ErrorReply.error(), ErrorReply.clientError("We don't like egg and spam"),
        ErrorReply.serverError("zomg"), new VersionResult("1"));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void anErrorLineInTheMiddleOfAGetDropsItsValuesAndEndsIt(Feeding feeding) {
    assertReplies(feeding, List.of(MemcacheRequest.get("a", "b"), MemcacheRequest.get("b")),
        "VALUE a 0 1\r\nx\r\nSERVER_ERROR out of memory writing get response\r\n"
            + "VALUE b 0 1\r\ny\r\nEND\r\n",
        ErrorReply.serverError("out of memory writing get response"),
        new GetResult(List.of(value("b", 0, "y"))));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void pipelinedRepliesInOneChunkAnswerRequestsInOrder(Feeding feeding) {
    // test_memcache.py: test_pipelining.
    assertReplies(feeding,
        List.of(MemcacheRequest.set("foo", 0, 0, bytes("bar")), MemcacheRequest.get("foo"),
            MemcacheRequest.delete("bar")),
        "STORED\r\nVALUE foo 0 3\r\nbar\r\nEND\r\nNOT_FOUND\r\n",
        StoreResult.STORED, new GetResult(List.of(value("foo", 0, "bar"))),
        DeleteResult.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void requestsWithoutReplyAreNotExpected(Feeding feeding) {
    assertReplies(feeding,
        List.of(MemcacheRequest.set("k", 0, 0, bytes("v")).withNoreply(), MemcacheRequest.quit(),
            MemcacheRequest.delete("k")),
        "DELETED\r\n", DeleteResult.DELETED);
  }

  @Test
  void errorTextThatIsNotUtf8ArrivesWithReplacementCharacters() {
    // Found by MemcacheReplyParserFuzzTest (finding-non-utf8-error-message-grows-when-reencoded):
    // the text is kept as a String, so it re-encodes longer than it arrived.
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.delete("k"));
    assertThat(parser.feed(bytes("CLIENT_ERROR bad \u00ff\r\n")))
        .containsExactly(ErrorReply.clientError("bad \ufffd"));
    assertThat(MemcacheReplyEncoder.encode(ErrorReply.clientError("bad \ufffd")))
        .hasSize("CLIENT_ERROR bad \r\n".length() + 3);
  }

  @Test
  void aPartialReplyCompletesNothingUntilItsLastByte() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.get("k"));
    assertThat(parser.feed(bytes("VALUE k 0 2\r\nab\r\nEND\r"))).isEmpty();
    assertThat(parser.outstanding()).isEqualTo(1);
    assertThat(parser.feed(bytes("\n"))).hasSize(1);
    assertThat(parser.outstanding()).isZero();
  }

  @Test
  void aConsumerMayExpectTheNextRequestWhileTheChunkIsBeingRead() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.get("k"));
    List<MemcacheReply> replies = new ArrayList<>();
    parser.feed(bytes("END\r\nSTORED\r\n"), reply -> {
      replies.add(reply);
      if (replies.size() == 1) {
        parser.expect(MemcacheRequest.set("k", 0, 0, bytes("v")));
      }
    });
    assertThat(replies).containsExactly(GetResult.EMPTY, StoreResult.STORED);
  }

  @Test
  void repliesCompletedBeforeBrokenFramingReachTheConsumerFirst() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.delete("k"));
    parser.expect(MemcacheRequest.delete("k"));
    List<MemcacheReply> replies = new ArrayList<>();
    assertThatThrownBy(() -> parser.feed(bytes("DELETED\r\nEND\r\n"), replies::add))
        .isInstanceOf(MemcacheProtocolException.class)
        .hasMessage("unexpected reply line \"END\" to delete k");
    assertThat(replies).containsExactly(DeleteResult.DELETED);
  }

  @Test
  void feedingFromInsideAConsumerIsRefused() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.version());
    assertThatThrownBy(() -> parser.feed(bytes("VERSION 1\r\n"),
        reply -> parser.feed(bytes("x"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("feed called from inside a feed consumer");
    assertThat(parser.failed()).isTrue();
  }

  @Test
  void aThrowingConsumerFailsTheParserBecauseTheRestOfTheChunkWasNotRead() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.version());
    RuntimeException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> parser.feed(bytes("VERSION 1\r\n"), reply -> {
      throw boom;
    })).isSameAs(boom);
    assertThatThrownBy(() -> parser.expect(MemcacheRequest.version()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a reply consumer threw java.lang.IllegalStateException: boom");
  }

  // --- broken framing ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueHeaderWithTooFewFieldsIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 0\r\n",
        "malformed VALUE line for get foo: expected VALUE <key> <flags> <bytes>, got"
            + " \"VALUE foo 0\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueHeaderWithADoubleSpaceIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo  0 1\r\n",
        "malformed VALUE line for get foo");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getsValueWithoutCasIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.gets("foo")), "VALUE foo 0 1\r\nx\r\nEND\r\n",
        "expected VALUE <key> <flags> <bytes> <cas>, got \"VALUE foo 0 1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void nonNumericFlagsAreRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo x 1\r\n",
        "bad flags in VALUE line (an unsigned 32-bit number expected): \"VALUE foo x 1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void flagsAbove32BitsAreRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 4294967296 1\r\n",
        "bad flags in VALUE line");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void negativeDataLengthIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 0 -1\r\n",
        "bad data length in VALUE line (a non-negative 31-bit number expected):"
            + " \"VALUE foo 0 -1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badCasUniqueIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.gets("foo")),
        "VALUE foo 0 1 18446744073709551616\r\n",
        "bad cas unique in VALUE line (an unsigned 64-bit number expected)");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueLongerThanTheLimitIsRejectedBeforeItsDataArrives(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 0 17\r\n",
        "value length 17 of key \"foo\" exceeds maximum 16");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void wrongDataLengthShowsAsDataNotFollowedByCrlf(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 0 2\r\nbar\r\nEND\r\n",
        "data block of key \"foo\" is not followed by CRLF: byte 0x72 where 0x0d was expected"
            + " after the 2 bytes the VALUE line announced");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void dataFollowedByCrWithoutLfIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE foo 0 3\r\nbar\rEND\r\n",
        "byte 0x45 where 0x0a was expected");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueForAKeyThatWasNotRequestedIsRejected(Feeding feeding) {
    // test_memcache.py: test_invalidGetResponse, test_invalidMultipleGetResponse.
    assertFails(feeding, List.of(MemcacheRequest.get("foo", "bar")),
        "VALUE egg 0 3\r\nspam\r\nEND\r\n",
        "VALUE for key \"egg\" which was not requested by get foo and 1 more keys");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void endAnsweringADeleteIsRejected(Feeding feeding) {
    // test_memcache.py: test_invalidEndResponse.
    assertFails(feeding, List.of(MemcacheRequest.delete("foo")), "END\r\n",
        "unexpected reply line \"END\" to delete foo");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storedAnsweringAGetIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "STORED\r\n",
        "unexpected reply line \"STORED\" to get foo");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void nonNumericCounterReplyIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.incr("foo", 1)), "12x\r\n",
        "unexpected reply line \"12x\" to incr foo 1");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void counterReplyAbove64BitsIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.incr("foo", 1)), "18446744073709551616\r\n",
        "unexpected reply line \"18446744073709551616\" to incr foo 1");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void replyWithNoRequestOutstandingIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(), "STORED\r\n",
        "unexpected reply line with no request outstanding: \"STORED\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void lineEndingInABareLfIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.delete("k")), "DELETED\n",
        "reply line ends with a bare LF instead of CRLF: \"DELETED\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void lineLongerThanTheLimitIsRejectedEvenBeforeItsEnd(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.version()), "VERSION " + "9".repeat(600),
        "reply line length exceeds maximum 512");
  }

  @Test
  void anEndlessLineIsReportedWithItsStart() {
    MemcacheReplyParser parser = new MemcacheReplyParser(SMALL);
    parser.expect(MemcacheRequest.version());
    assertThatThrownBy(() -> parser.feed(bytes("VERSION " + "9".repeat(600))))
        .hasMessage("reply line length exceeds maximum 512: 608 bytes without LF so far,"
            + " starting \"VERSION " + "9".repeat(52) + "\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void completeLineLongerThanTheLimitIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.version()),
        "VERSION " + "9".repeat(505) + "\r\n", "exceeds maximum 512");
  }

  @Test
  void lineOfExactlyTheLimitIsAccepted() {
    MemcacheReplyParser parser = new MemcacheReplyParser(SMALL);
    parser.expect(MemcacheRequest.version());
    String version = "9".repeat(512 - "VERSION ".length());
    for (List<byte[]> chunks : Feeding.ONE_BYTE_AT_A_TIME.cuts(bytes("VERSION " + version
        + "\r\n"))) {
      List<MemcacheReply> replies = new ArrayList<>();
      chunks.forEach(chunk -> replies.addAll(parser.feed(chunk)));
      assertThat(replies).containsExactly(new VersionResult(version));
    }
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueKeyThatIsNotUtf8IsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.get("foo")), "VALUE \u00ff 0 1\r\n",
        "malformed key in VALUE line for get foo: \"VALUE \\xff 0 1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void statNameWithACarriageReturnIsRejected(Feeding feeding) {
    // Found by MemcacheReplyParserFuzzTest (finding-stat-name-with-cr): the parser used to turn
    // the CR into a space and then failed building the StatsResult with the wrong exception.
    assertFails(feeding, List.of(MemcacheRequest.stats()), "STAT a\rb 1\r\nEND\r\n",
        "malformed STAT line, the name is empty or has a CR: \"STAT a\\x0db 1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void statLineWithAnEmptyNameIsRejected(Feeding feeding) {
    assertFails(feeding, List.of(MemcacheRequest.stats()), "STAT  1\r\nEND\r\n",
        "malformed STAT line, the name is empty or has a CR: \"STAT  1\"");
  }

  @Test
  void aFailedParserRefusesEverythingAndSaysWhy() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.delete("k"));
    assertThatThrownBy(() -> parser.feed(bytes("END\r\n")))
        .isInstanceOf(MemcacheProtocolException.class);
    assertThatThrownBy(() -> parser.feed(bytes("DELETED\r\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("reply parser failed earlier (unexpected reply line \"END\" to delete k);"
            + " the connection must be dropped");
    assertThatThrownBy(() -> parser.expect(MemcacheRequest.delete("k")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void errorMessagesShowLongLinesOnlyInPart() {
    MemcacheReplyParser parser = new MemcacheReplyParser();
    parser.expect(MemcacheRequest.delete("k"));
    assertThatThrownBy(() -> parser.feed(bytes("X".repeat(200) + "\r\n")))
        .hasMessage("unexpected reply line \"" + "X".repeat(60) + "\"... (200 bytes) to delete k");
  }
}
