package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link MemcacheRequestParser}: whatever a client sends, the parser answers with requests
 * or rejections and never throws; the outcome does not depend on how the bytes are chunked; and
 * every request it produces is one {@link MemcacheRequestEncoder} writes back into bytes that
 * parse to the same request. The seed corpus and past findings under {@code
 * MemcacheRequestParserFuzzTestInputs} run in every build; see FUZZING.md to fuzz.
 *
 * <p>Input: the client's bytes.
 */
class MemcacheRequestParserFuzzTest {
  private static final MemcacheLimits LIMITS = new MemcacheLimits(512, 64, 4);

  @FuzzTest(maxDuration = "2m")
  void parsesOrRejectsAnyClientBytes(byte[] input) {
    List<ParsedRequest> whole = parse(List.of(input));
    List<ParsedRequest> chunked = parse(MemcacheReplyParserFuzzTest.chunks(input));
    assertThat(comparable(chunked)).isEqualTo(comparable(whole));

    MemcacheRequestEncoder encoder = new MemcacheRequestEncoder(LIMITS);
    for (ParsedRequest parsed : whole) {
      if (parsed instanceof MemcacheRequest request) {
        byte[] encoded = encoder.encode(request);
        assertThat(parse(List.of(encoded))).as("%s encoded", request.describe())
            .containsExactly(request);
      } else if (parsed instanceof RejectedRequest rejected) {
        assertThat(rejected.reason()).isNotBlank();
      }
    }
  }

  private static List<ParsedRequest> parse(List<byte[]> chunks) {
    MemcacheRequestParser parser = new MemcacheRequestParser(LIMITS);
    List<ParsedRequest> parsed = new ArrayList<>();
    for (byte[] chunk : chunks) {
      parser.feed(chunk, parsed::add);
    }
    return parsed;
  }

  /** Rejection reasons may say how much was buffered; replies and close flags may not differ. */
  private static List<Object> comparable(List<ParsedRequest> parsed) {
    return parsed.stream()
        .map(p -> p instanceof RejectedRequest r ? r.reply().line() + " noreply=" + r.noreply()
            + " close=" + r.closeConnection() : (Object) p)
        .toList();
  }
}
