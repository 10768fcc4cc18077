package org.braid.protocols.memcache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array the encoders write lines into. Single-threaded.
 */
final class ByteSink {
  private byte[] bytes;
  private int size;

  ByteSink(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  ByteSink write(byte[] data) {
    return write(data, 0, data.length);
  }

  ByteSink write(byte[] data, int from, int to) {
    int length = to - from;
    ensure(length);
    System.arraycopy(data, from, bytes, size, length);
    size += length;
    return this;
  }

  ByteSink write(byte b) {
    ensure(1);
    bytes[size++] = b;
    return this;
  }

  ByteSink ascii(String text) {
    return write(text.getBytes(StandardCharsets.US_ASCII));
  }

  ByteSink utf8(String text) {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  ByteSink space() {
    return write(Ascii.SPACE);
  }

  ByteSink crlf() {
    return write(Ascii.CRLF);
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      long wanted = Math.max((long) size + more, (long) bytes.length * 2);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("encoded message of " + ((long) size + more)
            + " bytes exceeds the largest Java array");
      }
      bytes = Arrays.copyOf(bytes, (int) wanted);
    }
  }
}
