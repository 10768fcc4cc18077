package org.braid.protocols.memcache;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a memcache key may be: 1 to 250 bytes of UTF-8 with no space and no ASCII control
 * character (0x00-0x1F, 0x7F), since the text protocol separates tokens with spaces and lines with
 * CRLF. Keys are {@code String}s in Braid's API and UTF-8 on the wire, as spymemcached and
 * libmemcached clients send them. Stateless; any thread.
 */
public final class MemcacheKey {
  /** The longest key memcached accepts, in bytes (memcached's KEY_MAX_LENGTH). */
  public static final int MAX_LENGTH = 250;

  private MemcacheKey() {}

  /**
   * Checks a key and returns its wire bytes.
   *
   * @param key the key
   * @return its UTF-8 bytes
   * @throws IllegalArgumentException naming the problem, when the key is not a valid memcache key
   */
  public static byte[] encode(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key is null");
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    String problem = problem(bytes, 0, bytes.length);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return bytes;
  }

  /**
   * Whether a key is valid.
   *
   * @param key the key
   * @return true when {@link #encode} would accept it
   */
  public static boolean isValid(String key) {
    if (key == null) {
      return false;
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return problem(bytes, 0, bytes.length) == null;
  }

  /**
   * What is wrong with the key in buf[from, to), or {@code null} when it is valid.
   *
   * @return a message naming the problem, the actual value and the limit
   */
  static String problem(byte[] buf, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return "key is empty; a memcache key has 1 to " + MAX_LENGTH + " bytes";
    }
    if (length > MAX_LENGTH) {
      return "key length " + length + " bytes exceeds maximum " + MAX_LENGTH + ": "
          + Ascii.excerpt(buf, from, to);
    }
    for (int i = from; i < to; i++) {
      int b = buf[i] & 0xFF;
      if (b <= 0x20 || b == 0x7F) {
        return String.format(
            "key has %s at byte %d; spaces and control characters are not allowed: %s",
            b == 0x20 ? "a space" : String.format("control character 0x%02x", b),
            i - from,
            Ascii.excerpt(buf, from, to));
      }
    }
    return null;
  }

  /**
   * Decodes a key read from the wire, or returns {@code null} when it is not valid UTF-8 (Braid's
   * keys are strings, so a key that does not decode could not round-trip).
   */
  static String decode(byte[] buf, int from, int to) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
