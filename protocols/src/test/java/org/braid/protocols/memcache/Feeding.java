package org.braid.protocols.memcache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ways a test feeds a parser the same bytes (Okio's ONE_BYTE_AT_A_TIME factory, Netty's
 * EmbeddedChannel): each parser test runs under every feeding, so chunk boundaries never matter.
 */
enum Feeding {
  /** One chunk holding everything. */
  ALL_AT_ONCE,
  /** One chunk per byte. */
  ONE_BYTE_AT_A_TIME,
  /** Two chunks, for every split position in turn (one cut list per position). */
  SPLIT_AT_EVERY_POSITION;

  /**
   * Every cut of {@code input} this feeding makes.
   *
   * @return one list of chunks per way of feeding the input
   */
  List<List<byte[]>> cuts(byte[] input) {
    return switch (this) {
      case ALL_AT_ONCE -> List.of(List.of(input.clone()));
      case ONE_BYTE_AT_A_TIME -> {
        List<byte[]> bytes = new ArrayList<>(input.length);
        for (byte b : input) {
          bytes.add(new byte[] {b});
        }
        yield List.of(bytes);
      }
      case SPLIT_AT_EVERY_POSITION -> {
        List<List<byte[]>> cuts = new ArrayList<>();
        for (int at = 1; at < input.length; at++) {
          cuts.add(List.of(Arrays.copyOfRange(input, 0, at),
              Arrays.copyOfRange(input, at, input.length)));
        }
        if (cuts.isEmpty()) {
          cuts.add(List.of(input.clone()));
        }
        yield cuts;
      }
    };
  }

  /** Describes a cut for assertion messages: the chunk sizes. */
  static String describe(List<byte[]> chunks) {
    StringBuilder sizes = new StringBuilder("chunks of");
    for (byte[] chunk : chunks) {
      sizes.append(' ').append(chunk.length);
      if (sizes.length() > 80) {
        return sizes.append(" ... (").append(chunks.size()).append(" chunks)").toString();
      }
    }
    return sizes.toString();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
