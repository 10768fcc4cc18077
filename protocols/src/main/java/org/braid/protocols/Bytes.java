package org.braid.protocols;

/** Byte-array searches the receivers share. Any thread (pure functions). */
final class Bytes {
  private Bytes() {}

  /**
   * Where {@code pattern} first occurs in {@code data}, or -1.
   *
   * @param data where to look
   * @param pattern what to look for, at least one byte
   * @return the index of its first byte, or -1
   */
  static int indexOf(byte[] data, byte[] pattern) {
    int n = pattern.length;
    outer:
    for (int i = 0; i <= data.length - n; i++) {
      for (int j = 0; j < n; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
