package org.braid.protocols;

import java.util.Arrays;

/**
 * The bytes a receiver has read but not yet delivered: one growable array with a read position,
 * so that taking a frame off the front is a copy of the frame only, never of the rest (Twisted's
 * receivers slice a new string for the rest after every frame, which is quadratic for many small
 * frames in one chunk, Twisted #3803).
 *
 * <p>Content lives in {@code bytes[start, end)}. Taking from the front moves {@code start}; the
 * array is compacted (the live part moved to index 0) only when appending would not fit, so each
 * byte is moved at most a small constant number of times. Reactor thread only (like the receiver
 * that owns it).
 */
final class ReceiveBuffer {
  private static final byte[] EMPTY = new byte[0];

  private byte[] bytes = EMPTY;
  private int start;
  private int end;

  /** How many bytes are buffered. */
  int size() {
    return end - start;
  }

  boolean isEmpty() {
    return start == end;
  }

  /** Appends {@code data[offset, offset + length)}. */
  void append(byte[] data, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (end + length > bytes.length) {
      makeRoom(length);
    }
    System.arraycopy(data, offset, bytes, end, length);
    end += length;
  }

  /**
   * Appends {@code data}, which the buffer may keep and modify: receivers own the arrays given to
   * {@code dataReceived}. When the buffer is empty it adopts the array instead of copying it, so a
   * chunk of whole frames is copied once, frame by frame, as the frames are taken.
   */
  void append(byte[] data) {
    if (start == end && data.length > 0) {
      bytes = data;
      start = 0;
      end = data.length;
      return;
    }
    append(data, 0, data.length);
  }

  private void makeRoom(int length) {
    int live = end - start;
    long needed = (long) live + length;
    if (needed > Integer.MAX_VALUE - 16) {
      throw new OutOfMemoryError(
          "receive buffer would need " + needed + " bytes; the largest array is about 2 GiB");
    }
    if (needed <= bytes.length && start >= live) {
      // Enough room once the consumed front is reclaimed, and the live part is no larger than
      // what it moves over: compacting costs no more than what was consumed since the last one.
      System.arraycopy(bytes, start, bytes, 0, live);
    } else {
      int capacity = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length));
      byte[] grown = new byte[Math.max(capacity, 256)];
      System.arraycopy(bytes, start, grown, 0, live);
      bytes = grown;
    }
    start = 0;
    end = live;
  }

  /** The byte at {@code index} from the front. */
  int byteAt(int index) {
    return bytes[start + index] & 0xFF;
  }

  /**
   * Where {@code pattern} first occurs wholly inside {@code [from, to)} (offsets from the front),
   * or -1. Bounding the search lets a receiver stop looking once a frame could no longer be
   * short enough.
   */
  int indexOf(byte[] pattern, int from, int to) {
    int n = pattern.length;
    byte first = pattern[0];
    int last = start + Math.min(to, end - start) - n;
    for (int i = start + from; i <= last; i++) {
      if (bytes[i] != first) {
        continue;
      }
      int j = 1;
      while (j < n && bytes[i + j] == pattern[j]) {
        j++;
      }
      if (j == n) {
        return i - start;
      }
    }
    return -1;
  }

  /** Removes and returns the first {@code count} bytes. */
  byte[] take(int count) {
    byte[] taken = Arrays.copyOfRange(bytes, start, start + count);
    skip(count);
    return taken;
  }

  /** Removes and returns everything. */
  byte[] takeAll() {
    if (start == 0 && end == bytes.length && end > 0) {
      // The whole array is content (typically an adopted chunk): hand it over, no copy.
      byte[] all = bytes;
      bytes = EMPTY;
      end = 0;
      return all;
    }
    return take(size());
  }

  /** Drops the first {@code count} bytes. */
  void skip(int count) {
    start += count;
    if (start == end) {
      // Empty: start over at the front; keep the array unless it grew large, so one huge frame
      // does not pin its memory for the life of the connection.
      start = 0;
      end = 0;
      if (bytes.length > 64 * 1024) {
        bytes = EMPTY;
      }
    }
  }

  /** Drops everything. */
  void clear() {
    skip(size());
  }

  @Override
  public String toString() {
    return "ReceiveBuffer[" + size() + " bytes]";
  }
}
