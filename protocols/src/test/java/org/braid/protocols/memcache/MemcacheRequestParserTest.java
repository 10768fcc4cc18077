package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.protocols.memcache.Feeding.bytes;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MemcacheRequestParserTest {
  private static final MemcacheLimits SMALL = new MemcacheLimits(512, 16, 4);

  /** Feeds {@code wire} under every cut of {@code feeding}; returns what the first cut parsed. */
  private static List<ParsedRequest> parse(Feeding feeding, String wire) {
    List<ParsedRequest> first = null;
    for (List<byte[]> chunks : feeding.cuts(bytes(wire))) {
      MemcacheRequestParser parser = new MemcacheRequestParser(SMALL);
      List<ParsedRequest> parsed = new ArrayList<>();
      for (byte[] chunk : chunks) {
        parser.feed(chunk, parsed::add);
      }
      if (first == null) {
        first = parsed;
      } else {
        // Rejection reasons may say how much was buffered; replies and requests may not differ.
        assertThat(comparable(parsed)).as(Feeding.describe(chunks))
            .isEqualTo(comparable(first));
      }
    }
    return first;
  }

  private static List<Object> comparable(List<ParsedRequest> parsed) {
    return parsed.stream()
        .map(p -> p instanceof RejectedRequest r ? r.reply().line() + " noreply=" + r.noreply()
            + " close=" + r.closeConnection() : (Object) p)
        .toList();
  }

  private static void assertParses(Feeding feeding, String wire, ParsedRequest... expected) {
    assertThat(parse(feeding, wire)).containsExactly(expected);
  }

  /** Checks the rejection's reply, close flag and reason, then what follows it. */
  private static void assertRejects(Feeding feeding, String wire, String replyLine,
      boolean close, String reason, ParsedRequest... following) {
    List<ParsedRequest> parsed = parse(feeding, wire);
    assertThat(parsed).isNotEmpty();
    assertThat(parsed.get(0)).isInstanceOfSatisfying(RejectedRequest.class, rejected -> {
      assertThat(rejected.reply().line()).isEqualTo(replyLine);
      assertThat(rejected.closeConnection()).isEqualTo(close);
      assertThat(rejected.reason()).contains(reason);
    });
    assertThat(parsed.subList(1, parsed.size())).containsExactly(following);
  }

  private static final MemcacheRequest VERSION = MemcacheRequest.version();

  // --- well-formed requests ---------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getAndGetsNameOneOrMoreKeys(Feeding feeding) {
    assertParses(feeding, "get a\r\ngets a b c\r\n",
        MemcacheRequest.get("a"), MemcacheRequest.gets("a", "b", "c"));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageCommandsCarryTheirDataBlockWhichMayHoldCrlf(Feeding feeding) {
    assertParses(feeding,
        "set k 4294967295 -1 5\r\na\r\nb\r\r\nadd k 0 2592000 0\r\n\r\n"
            + "replace k 1 2 1 noreply\r\nx\r\nappend k 0 0 1\r\ny\r\nprepend k 0 0 1\r\nz\r\n"
            + "cas k 3 4 1 18446744073709551615 noreply\r\nw\r\n",
        new MemcacheRequest.Store(StorageCommand.SET, "k", -1, -1, bytes("a\r\nb\r"), 0, false),
        MemcacheRequest.add("k", 0, 2592000, new byte[0]),
        MemcacheRequest.replace("k", 1, 2, bytes("x")).withNoreply(),
        MemcacheRequest.append("k", bytes("y")),
        MemcacheRequest.prepend("k", bytes("z")),
        MemcacheRequest.cas("k", 3, 4, bytes("w"), -1L).withNoreply());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void deleteAcceptsTheOldZeroHoldTimeAndNoreply(Feeding feeding) {
    assertParses(feeding, "delete a\r\ndelete a 0\r\ndelete a noreply\r\ndelete a 0 noreply\r\n",
        MemcacheRequest.delete("a"), MemcacheRequest.delete("a"),
        MemcacheRequest.delete("a").withNoreply(), MemcacheRequest.delete("a").withNoreply());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void counterTouchStatsVersionFlushAllParse(Feeding feeding) {
    assertParses(feeding,
        "incr a 18446744073709551615\r\ndecr a 1 noreply\r\ntouch a -1\r\ntouch a 10 noreply\r\n"
            + "stats\r\nstats items\r\nversion\r\nflush_all\r\nflush_all 10\r\n"
            + "flush_all noreply\r\nflush_all 3 noreply\r\n",
        MemcacheRequest.incr("a", -1L), MemcacheRequest.decr("a", 1).withNoreply(),
        MemcacheRequest.touch("a", -1), MemcacheRequest.touch("a", 10).withNoreply(),
        MemcacheRequest.stats(), MemcacheRequest.stats("items"), VERSION,
        MemcacheRequest.flushAll(), MemcacheRequest.flushAll(10),
        MemcacheRequest.flushAll().withNoreply(), MemcacheRequest.flushAll(3).withNoreply());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void linesMayEndInABareLfAndTokensBeSeparatedBySeveralSpaces(Feeding feeding) {
    // memcached's tokenizer skips runs of spaces and its line reader accepts "\n".
    assertParses(feeding, "  get   a  b \nset k 0 0 1\nv\r\nversion\n",
        MemcacheRequest.get("a", "b"), MemcacheRequest.set("k", 0, 0, bytes("v")), VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void quitClosesTheParserAndTheRestIsIgnored(Feeding feeding) {
    assertParses(feeding, "version\r\nquit\r\nget a\r\n", VERSION, MemcacheRequest.quit());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void utf8KeysAreDecoded(Feeding feeding) {
    assertParses(feeding, "get cl\u00c3\u00a9\r\n", MemcacheRequest.get("cl\u00e9"));
  }

  @Test
  void aClosedParserIgnoresLaterChunks() {
    MemcacheRequestParser parser = new MemcacheRequestParser();
    assertThat(parser.feed(bytes("quit\r\n"))).containsExactly(MemcacheRequest.quit());
    assertThat(parser.closed()).isTrue();
    assertThat(parser.feed(bytes("get a\r\n"))).isEmpty();
  }

  // --- rejections that keep the connection -----------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void unknownCommandGetsError(Feeding feeding) {
    assertRejects(feeding, "frobnicate a\r\nversion\r\n", "ERROR", false,
        "unknown command or wrong number of tokens: \"frobnicate a\"", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void emptyLineGetsError(Feeding feeding) {
    assertRejects(feeding, "\r\nversion\r\n", "ERROR", false, "empty command line", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getWithoutKeysGetsError(Feeding feeding) {
    assertRejects(feeding, "get\r\nversion\r\n", "ERROR", false, "get without a key", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void versionAndQuitIgnoreExtraWordsAsMemcachedDoes(Feeding feeding) {
    // memcached 1.6.18 answers "version 2" with its version and closes on "quit now".
    assertParses(feeding, "version 2\r\nquit now\r\n", VERSION, MemcacheRequest.quit());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void counterWithWrongTokenCountGetsError(Feeding feeding) {
    assertRejects(feeding, "incr a\r\nversion\r\n", "ERROR", false, "incr with 2 tokens",
        VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void keyLongerThan250BytesIsABadCommandLine(Feeding feeding) {
    assertRejects(feeding, "get " + "k".repeat(251) + "\r\nversion\r\n",
        "CLIENT_ERROR bad command line format", false,
        "key length 251 bytes exceeds maximum 250", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void keyWithAControlCharacterIsABadCommandLine(Feeding feeding) {
    assertRejects(feeding, "delete a\u0001b\r\nversion\r\n",
        "CLIENT_ERROR bad command line format", false,
        "key has control character 0x01 at byte 1", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void keyThatIsNotUtf8IsABadCommandLine(Feeding feeding) {
    assertRejects(feeding, "get \u00ff\r\nversion\r\n", "CLIENT_ERROR bad command line format",
        false, "key is not valid UTF-8: \"\\xff\"", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void getOfMoreKeysThanTheLimitIsRefused(Feeding feeding) {
    assertRejects(feeding, "get a b c d e\r\nversion\r\n", "CLIENT_ERROR too many keys", false,
        "get of 5 keys exceeds maximum 4", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageWithBadFlagsIsRefusedAndItsDataIsNeverRunAsCommands(Feeding feeding) {
    // memcached would read "flush_all" as the next command; the data block is skipped instead.
    assertRejects(feeding, "set k x 0 11\r\nflush_all\r\n\r\nversion\r\n",
        "CLIENT_ERROR bad command line format", false, "bad flags in set: \"set k x 0 11\";"
            + " skipping its 11-byte data block", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageWithBadExptimeCasOrKeyIsRefusedAndItsDataSkipped(Feeding feeding) {
    assertRejects(feeding,
        "set k 0 1x 1\r\na\r\ncas k 0 0 1 -5\r\nb\r\nadd " + "k".repeat(251)
            + " 0 0 1\r\nc\r\nversion\r\n",
        "CLIENT_ERROR bad command line format", false, "bad exptime in set",
        new RejectedRequest(ErrorReply.clientError("bad command line format"), false, false,
            "bad cas unique in cas: \"cas k 0 0 1 -5\"; skipping its 1-byte data block"),
        new RejectedRequest(ErrorReply.clientError("bad command line format"), false, false,
            "key length 251 bytes exceeds maximum 250: \"" + "k".repeat(60)
                + "\"... (251 bytes); skipping its 1-byte data block"),
        VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageIgnoresExtraWordsAndTakesNoreplyOnlyAsTheLastOne(Feeding feeding) {
    // memcached 1.6.18 stores "set k 0 0 1 extra" (set_noreply_maybe looks at the last token).
    assertParses(feeding, "set k 0 0 1 noreply extra\r\na\r\nset k 0 0 1 extra noreply\r\nb\r\n",
        MemcacheRequest.set("k", 0, 0, bytes("a")),
        MemcacheRequest.set("k", 0, 0, bytes("b")).withNoreply());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void errorsForNoreplyCommandsAreMarkedNotToBeSent(Feeding feeding) {
    // memcached 1.6.18 sends nothing for "incr a x noreply": the client expects no line.
    List<ParsedRequest> parsed = parse(feeding,
        "incr a x noreply\r\nset k x 0 1 noreply\r\na\r\ntouch a y noreply\r\n"
            + "frob noreply\r\nget a noreply\r\n");
    assertThat(parsed).hasSize(5);
    assertThat(parsed.subList(0, 3)).allSatisfy(p -> assertThat(p)
        .isInstanceOfSatisfying(RejectedRequest.class, r -> {
          assertThat(r.noreply()).isTrue();
          assertThat(r.sendsReply()).isFalse();
        }));
    assertThat(parsed.get(3)).as("an unknown command is answered anyway")
        .isEqualTo(new RejectedRequest(ErrorReply.error(), false, false,
            "unknown command or wrong number of tokens: \"frob noreply\""));
    assertThat(parsed.get(4)).as("get takes no noreply: it is a key")
        .isEqualTo(MemcacheRequest.get("a", "noreply"));
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badDataChunkOfANoreplyCommandClosesWithoutAReply(Feeding feeding) {
    assertRejects(feeding, "set k 0 0 3 noreply\r\nabcd\r\n", "CLIENT_ERROR bad data chunk",
        true, "is not followed by CRLF");
    assertThat(parse(feeding, "set k 0 0 3 noreply\r\nabcd\r\n").get(0))
        .isInstanceOfSatisfying(RejectedRequest.class, r -> assertThat(r.noreply()).isTrue());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void valueLongerThanTheLimitIsTooLargeAndItsDataSkipped(Feeding feeding) {
    assertRejects(feeding, "set k 0 0 17\r\n" + "v".repeat(17) + "\r\nversion\r\n",
        "SERVER_ERROR object too large for cache", false,
        "value length 17 exceeds maximum 16; skipping its 17-byte data block", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badDeltaIsAnInvalidNumericDeltaArgument(Feeding feeding) {
    assertRejects(feeding, "incr a -1\r\ndecr a 18446744073709551616\r\nversion\r\n",
        "CLIENT_ERROR invalid numeric delta argument", false, "bad delta \"-1\"",
        new RejectedRequest(ErrorReply.clientError("invalid numeric delta argument"), false, false,
            "bad delta \"18446744073709551616\""),
        VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badTouchExptimeIsAnInvalidExptimeArgument(Feeding feeding) {
    assertRejects(feeding, "touch a 2147483648\r\nversion\r\n",
        "CLIENT_ERROR invalid exptime argument", false, "bad exptime \"2147483648\"", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void deleteWithAHoldTimeOtherThanZeroGetsMemcachedsUsageMessage(Feeding feeding) {
    assertRejects(feeding, "delete a 5\r\nversion\r\n",
        "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]", false,
        "delete with extra tokens", VERSION);
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badFlushAllDelayIsAnInvalidExptimeAndANegativeOneMeansNow(Feeding feeding) {
    // memcached 1.6.18: "flush_all x" -> CLIENT_ERROR invalid exptime argument, "flush_all -1" -> OK.
    assertRejects(feeding, "flush_all x\r\nflush_all -1\r\n",
        "CLIENT_ERROR invalid exptime argument", false, "bad flush_all delay \"x\"",
        MemcacheRequest.flushAll());
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void badStatsArgumentIsABadCommandLine(Feeding feeding) {
    assertRejects(feeding, "stats \u0007\r\nversion\r\n", "CLIENT_ERROR bad command line format",
        false, "bad stats argument \"\\x07\"", VERSION);
  }

  // --- rejections that close the connection ----------------------------------------------------

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageWithAnUnreadableLengthClosesTheConnection(Feeding feeding) {
    assertRejects(feeding, "set k 0 0 -1\r\nversion\r\n", "CLIENT_ERROR bad command line format",
        true, "unreadable data length in set: \"-1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void storageWithTooFewTokensClosesTheConnection(Feeding feeding) {
    // memcached answers ERROR and reads on; without a length the data block cannot be skipped.
    assertRejects(feeding, "cas k 0 0 1\r\na\r\nversion\r\n", "ERROR", true,
        "cas with 5 tokens, at least 6 expected: \"cas k 0 0 1\"");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void dataBlockNotFollowedByCrlfIsABadDataChunkAndClosesTheConnection(Feeding feeding) {
    assertRejects(feeding, "set k 0 0 3\r\nabcd\r\nversion\r\n", "CLIENT_ERROR bad data chunk",
        true, "data block of set \"k\" is not followed by CRLF: byte 0x64 where 0x0d was"
            + " expected after the announced 3 bytes");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void dataBlockFollowedByCrAndNotLfIsABadDataChunk(Feeding feeding) {
    assertRejects(feeding, "set k 0 0 3\r\nabc\rXversion\r\n", "CLIENT_ERROR bad data chunk",
        true, "byte 0x58 where 0x0a was expected");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void lineLongerThanTheLimitClosesTheConnection(Feeding feeding) {
    assertRejects(feeding, "get " + "a ".repeat(300) + "\r\nversion\r\n",
        "CLIENT_ERROR line too long", true, "request line length exceeds maximum 512");
  }

  @ParameterizedTest
  @EnumSource(Feeding.class)
  void endlessLineIsRejectedBeforeItsEnd(Feeding feeding) {
    assertRejects(feeding, "x".repeat(600), "CLIENT_ERROR line too long", true,
        "request line length exceeds maximum 512");
  }

  @Test
  void lineOfExactlyTheLimitIsAcceptedEvenByteByByte() {
    String line = "stats " + "s".repeat(250) + " " + "t".repeat(250) + " " + "u".repeat(4);
    assertThat(line).hasSize(512);
    for (Feeding feeding : Feeding.values()) {
      assertParses(feeding, line + "\r\n",
          MemcacheRequest.stats("s".repeat(250), "t".repeat(250), "uuuu"));
    }
  }

  @Test
  void rejectionReasonShowsTheStartOfAnEndlessLine() {
    MemcacheRequestParser parser = new MemcacheRequestParser(SMALL);
    assertThat(parser.feed(bytes("y".repeat(300)))).isEmpty();
    List<ParsedRequest> parsed = parser.feed(bytes("y".repeat(300)));
    assertThat(parsed).singleElement().isEqualTo(new RejectedRequest(
        ErrorReply.clientError("line too long"), false, true,
        "request line length exceeds maximum 512: 600 bytes without LF so far, starting \""
            + "y".repeat(60) + "\""));
    assertThat(parser.closed()).isTrue();
  }
}
