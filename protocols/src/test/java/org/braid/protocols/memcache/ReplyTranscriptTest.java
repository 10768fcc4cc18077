package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact request bytes in, exact reply bytes out, on a plain socket, against a real memcached and
 * Braid's embedded server: the bytes {@link MemcachedReplies} holds (which the scripted client
 * tests feed) are what both send. The last tests pin the known differences, each server's own
 * way, so a change on either side shows up here and in MEMCACHE.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplyTranscriptTest {
  /** The servers under test. */
  enum Server { MEMCACHED, BRAID }

  private RealMemcached memcached;
  private RunningReactor running;
  private MemcacheServer braid;

  @BeforeAll
  void start() throws Exception {
    memcached = RealMemcached.start();
    running = RunningReactor.start();
    braid = running.await(() -> MemcacheServer.start(running.reactor, 0));
  }

  @AfterAll
  void stop() throws Exception {
    if (braid != null) {
      running.await(braid::stop);
    }
    if (running != null) {
      running.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  private RawConnection connect(Server server) throws Exception {
    return new RawConnection(server == Server.MEMCACHED ? memcached.port() : braid.port());
  }

  static Stream<Arguments> transcripts() {
    String longKey = "a".repeat(251);
    String tooLarge = "set big 0 0 2000000\r\n" + "x".repeat(2_000_000) + "\r\n";
    List<Arguments> cases = List.of(
        Arguments.of("incr of a word", "set word 0 0 3\r\nabc\r\nincr word 1\r\n",
            "STORED\r\n" + MemcachedReplies.NON_NUMERIC),
        Arguments.of("stats with an unknown argument", "stats bogus\r\n", MemcachedReplies.ERROR),
        Arguments.of("an unknown command", "bogus\r\n", MemcachedReplies.ERROR),
        Arguments.of("get without a key", "get\r\n", MemcachedReplies.ERROR),
        Arguments.of("a 251-byte key", "get " + longKey + "\r\n", MemcachedReplies.BAD_FORMAT),
        Arguments.of("a bad delta", "incr k abc\r\n", MemcachedReplies.BAD_DELTA),
        Arguments.of("a bad touch exptime", "touch k abc\r\n", MemcachedReplies.BAD_EXPTIME),
        Arguments.of("delete with a hold time", "delete k 10\r\n", MemcachedReplies.DELETE_USAGE),
        Arguments.of("a value over the item size", tooLarge, MemcachedReplies.TOO_LARGE),
        Arguments.of("noreply storage then get", "set k 0 0 1 noreply\r\na\r\nget k\r\n",
            "VALUE k 0 1\r\na\r\nEND\r\n"),
        Arguments.of("noreply errors are silent",
            "incr nothing 1 noreply\r\ntouch k abc noreply\r\ndelete k 10 noreply\r\nget k\r\n",
            "VALUE k 0 1\r\na\r\nEND\r\n"),
        Arguments.of("gets of two keys, one missing", "set c 7 0 2\r\nhi\r\ngets c missing\r\n",
            "STORED\r\nVALUE c 7 2 "),
        Arguments.of("flush_all noreply", "flush_all noreply\r\nget k c\r\n", "END\r\n"),
        Arguments.of("tokens split by runs of spaces", "set   s  1 0   1\r\nx\r\nget  s\r\n",
            "STORED\r\nVALUE s 1 1\r\nx\r\nEND\r\n"),
        Arguments.of("a bare LF ends a line", "set l 0 0 1\nx\r\nget l\n",
            "STORED\r\nVALUE l 0 1\r\nx\r\nEND\r\n"),
        Arguments.of("decr below zero, incr of missing", "set z 0 0 1\r\n3\r\ndecr z 5\r\n"
            + "incr missing 1\r\n", "STORED\r\n0\r\nNOT_FOUND\r\n"));
    Stream.Builder<Arguments> all = Stream.builder();
    for (Server server : Server.values()) {
      for (Arguments c : cases) {
        all.add(Arguments.of(server, c.get()[0], c.get()[1], c.get()[2]));
      }
    }
    return all.build();
  }

  /**
   * Each case on a new connection; the cases run in order against one server each, so later
   * cases see what earlier ones stored.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("transcripts")
  void bothServersAnswerTheseRequestsWithTheseBytes(
      Server server, String what, String request, String reply) throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send(request);

      assertThat(connection.read(reply.length())).as(what).isEqualTo(reply);
      if (reply.endsWith("VALUE c 7 2 ")) {
        connection.readLine(); // the cas unique differs; the rest must follow
        assertThat(connection.read("hi\r\nEND\r\n".length())).isEqualTo("hi\r\nEND\r\n");
      }
      connection.assertInStep();
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void quitClosesTheConnectionWithoutAReply(Server server) throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send("quit\r\n");

      assertThat(connection.readUntilClosed()).isEmpty();
    }
  }

  // --- known differences (MEMCACHE.md, "Differences from memcached") ----------------------------

  @ParameterizedTest
  @EnumSource(Server.class)
  void aBadDataChunkIsReadOnByMemcachedButClosesBraidsConnection(Server server)
      throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send("set k 0 0 2\r\nabcd\r\n");

      if (server == Server.MEMCACHED) {
        // memcached reads the rest of the data block as the next command line.
        assertThat(connection.read(36)).isEqualTo("CLIENT_ERROR bad data chunk\r\nERROR\r\n");
        connection.assertInStep();
      } else {
        // Braid never executes a client's data as commands: it closes the connection.
        assertThat(connection.readUntilClosed()).isEqualTo("CLIENT_ERROR bad data chunk\r\n");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aGetLineOver16KiBIsServedByMemcachedButClosesBraidsConnection(Server server)
      throws Exception {
    // memcached reads a get line of any length (it closes other commands' lines past 2048
    // bytes without LF); Braid bounds every line by MemcacheLimits.maxLineLength, 16 KiB.
    try (RawConnection connection = connect(server)) {
      connection.send("get " + "k ".repeat(8500) + "\r\n");

      if (server == Server.MEMCACHED) {
        assertThat(connection.read(5)).isEqualTo("END\r\n");
        connection.assertInStep();
      } else {
        assertThat(connection.readUntilClosed()).isEqualTo("CLIENT_ERROR line too long\r\n");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void decrThatShortensANumberLeavesATrailingSpaceOnlyInMemcached(Server server)
      throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send("set n 0 0 2\r\n10\r\ndecr n 1\r\nget n\r\n");

      String expected = server == Server.MEMCACHED
          ? "STORED\r\n9\r\nVALUE n 0 2\r\n9 \r\nEND\r\n"
          : "STORED\r\n9\r\nVALUE n 0 1\r\n9\r\nEND\r\n";
      assertThat(connection.read(expected.length())).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aSetTooLargeToStoreRemovesTheOldValueOnlyInMemcached(Server server) throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send("set old 0 0 1\r\nv\r\nset old 0 0 2000000\r\n" + "x".repeat(2_000_000)
          + "\r\nget old\r\n");

      String expected = "STORED\r\n" + MemcachedReplies.TOO_LARGE
          + (server == Server.MEMCACHED ? "END\r\n" : "VALUE old 0 1\r\nv\r\nEND\r\n");
      assertThat(connection.read(expected.length())).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void verbosityIsKnownOnlyToMemcached(Server server) throws Exception {
    try (RawConnection connection = connect(server)) {
      connection.send("verbosity 1\r\n");

      assertThat(connection.readLine()).isEqualTo(server == Server.MEMCACHED ? "OK\r\n" : "ERROR\r\n");
    }
  }
}
