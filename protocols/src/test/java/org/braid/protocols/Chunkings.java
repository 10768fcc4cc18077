package org.braid.protocols;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.braid.reactor.Protocol;

/**
 * Test support: every way the tests split one input into {@code dataReceived} calls (Okio's
 * {@code ONE_BYTE_AT_A_TIME}, Twisted's chunk sizes 1..9): all at once, one byte at a time, and
 * in two pieces split at every position. A parser must deliver the same frames under each.
 */
public final class Chunkings {
  /** One way to split an input: a name for failure messages and the pieces, in order. */
  public record Chunking(String name, List<byte[]> pieces) {
    /** Feeds the pieces to {@code protocol}, one {@code dataReceived} each. */
    public void feed(Protocol protocol) {
      for (byte[] piece : pieces) {
        // Receivers own what they are given: hand each call its own array.
        protocol.dataReceived(piece.clone());
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private Chunkings() {}

  /** All at once, one byte at a time, then split in two at every position 1..length-1. */
  public static List<Chunking> of(byte[] input) {
    List<Chunking> all = new ArrayList<>();
    all.add(new Chunking("all at once", List.of(input.clone())));
    List<byte[]> bytes = new ArrayList<>();
    for (byte b : input) {
      bytes.add(new byte[] {b});
    }
    all.add(new Chunking("one byte at a time", bytes));
    for (int i = 1; i < input.length; i++) {
      all.add(
          new Chunking(
              "split at " + i,
              List.of(Arrays.copyOfRange(input, 0, i), Arrays.copyOfRange(input, i, input.length))));
    }
    return all;
  }

  /** {@link #of(byte[])} for ASCII text. */
  public static List<Chunking> of(String input) {
    return of(input.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Runs {@code test} once per chunking of {@code input}. */
  public static void forEach(byte[] input, Consumer<Chunking> test) {
    for (Chunking chunking : of(input)) {
      test.accept(chunking);
    }
  }

  /** {@link #forEach(byte[], Consumer)} for ASCII text. */
  public static void forEach(String input, Consumer<Chunking> test) {
    forEach(input.getBytes(StandardCharsets.ISO_8859_1), test);
  }
}
