package org.braid.protocols.memcache;

import java.util.Arrays;

/**
 * The start of a line that arrived in an earlier chunk, kept until the rest arrives. The parsers
 * bound its size by their line limit before appending. Single-threaded.
 */
final class LineBuffer {
  private static final int INITIAL_CAPACITY = 256;

  private byte[] bytes = new byte[INITIAL_CAPACITY];
  private int length;

  int length() {
    return length;
  }

  byte[] array() {
    return bytes;
  }

  boolean isEmpty() {
    return length == 0;
  }

  void append(byte[] data, int from, int to) {
    int more = to - from;
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
    }
    System.arraycopy(data, from, bytes, length, more);
    length += more;
  }

  void clear() {
    length = 0;
    if (bytes.length > 4 * INITIAL_CAPACITY) {
      // Do not keep a long line's buffer alive for the rest of the connection.
      bytes = new byte[INITIAL_CAPACITY];
    }
  }
}
