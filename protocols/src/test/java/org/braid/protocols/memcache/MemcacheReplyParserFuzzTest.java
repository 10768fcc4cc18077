package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link MemcacheReplyParser}: whatever a server sends, the parser either parses or throws
 * {@link MemcacheProtocolException}, never another exception and never loops; the replies do not
 * depend on how the bytes are chunked; and every parsed reply survives a round trip through
 * {@link MemcacheReplyEncoder}. The seed corpus and past findings under {@code
 * MemcacheReplyParserFuzzTestInputs} run in every build; see FUZZING.md to fuzz.
 *
 * <p>Input: request codes up to the first '|' (g get, G gets, m get a b c, M gets a b c, s set,
 * a add, c cas, d delete, i incr, D decr, t touch, S stats, v version, f flush_all, n set noreply;
 * other bytes ignored), then the server's bytes. Without '|', the bytes answer one "get k".
 */
class MemcacheReplyParserFuzzTest {
  private static final MemcacheLimits LIMITS = new MemcacheLimits(512, 64, 8);

  @FuzzTest(maxDuration = "2m")
  void parsesOrRejectsAnyServerBytes(byte[] input) {
    int bar = indexOf(input, (byte) '|');
    List<MemcacheRequest> requests = bar < 0 ? List.of(MemcacheRequest.get("k"))
        : requestsFor(Arrays.copyOfRange(input, 0, bar));
    byte[] stream = bar < 0 ? input : Arrays.copyOfRange(input, bar + 1, input.length);

    Outcome whole = parse(requests, List.of(stream), LIMITS);
    Outcome chunked = parse(requests, chunks(stream), LIMITS);
    assertThat(chunked).as("chunked like %s", chunks(stream).size()).isEqualTo(whole);

    // Every reply the parser produced is one the encoder can write and the parser read back. Text
    // that was not UTF-8 comes back as U+FFFD, up to 3 bytes for each bad byte, hence the roomier
    // line limit (finding-non-utf8-error-message-grows-when-reencoded).
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    whole.replies().forEach(reply -> encoded.writeBytes(MemcacheReplyEncoder.encode(reply)));
    Outcome again = parse(requests, List.of(encoded.toByteArray()),
        LIMITS.withMaxLineLength(3 * LIMITS.maxLineLength()));
    assertThat(again.failure()).isNull();
    assertThat(again.replies()).isEqualTo(whole.replies());
  }

  /** The replies parsed before the stream ended or broke, and the break if any. */
  record Outcome(List<MemcacheReply> replies, String failure) {}

  private static Outcome parse(
      List<MemcacheRequest> requests, List<byte[]> chunks, MemcacheLimits limits) {
    MemcacheReplyParser parser = new MemcacheReplyParser(limits);
    requests.forEach(parser::expect);
    List<MemcacheReply> replies = new ArrayList<>();
    try {
      for (byte[] chunk : chunks) {
        parser.feed(chunk, replies::add);
      }
      return new Outcome(replies, null);
    } catch (MemcacheProtocolException e) {
      // Messages may say how much of an endless line was buffered: compare only that it broke.
      return new Outcome(replies, "broken");
    }
  }

  private static List<MemcacheRequest> requestsFor(byte[] codes) {
    byte[] v = {'v'};
    List<MemcacheRequest> requests = new ArrayList<>();
    for (byte code : codes) {
      switch (code) {
        case 'g' -> requests.add(MemcacheRequest.get("k"));
        case 'G' -> requests.add(MemcacheRequest.gets("k"));
        case 'm' -> requests.add(MemcacheRequest.get("a", "b", "c"));
        case 'M' -> requests.add(MemcacheRequest.gets("a", "b", "c"));
        case 's' -> requests.add(MemcacheRequest.set("k", 0, 0, v));
        case 'a' -> requests.add(MemcacheRequest.add("k", 0, 0, v));
        case 'c' -> requests.add(MemcacheRequest.cas("k", 0, 0, v, 1));
        case 'd' -> requests.add(MemcacheRequest.delete("k"));
        case 'i' -> requests.add(MemcacheRequest.incr("k", 1));
        case 'D' -> requests.add(MemcacheRequest.decr("k", 1));
        case 't' -> requests.add(MemcacheRequest.touch("k", 1));
        case 'S' -> requests.add(MemcacheRequest.stats());
        case 'v' -> requests.add(MemcacheRequest.version());
        case 'f' -> requests.add(MemcacheRequest.flushAll());
        case 'n' -> requests.add(MemcacheRequest.set("k", 0, 0, v).withNoreply());
        default -> {
          // not a request code
        }
      }
    }
    return requests;
  }

  /** Cuts the stream into chunks of 1 to 16 bytes, sizes taken from the stream itself. */
  static List<byte[]> chunks(byte[] stream) {
    List<byte[]> chunks = new ArrayList<>();
    int at = 0;
    int i = 0;
    while (at < stream.length) {
      int size = 1 + (stream[i++ % stream.length] & 0x0F);
      int end = Math.min(stream.length, at + size);
      chunks.add(Arrays.copyOfRange(stream, at, end));
      at = end;
    }
    return chunks;
  }

  static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
