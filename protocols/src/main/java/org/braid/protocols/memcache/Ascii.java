package org.braid.protocols.memcache;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level reading and writing of the text protocol's ASCII tokens, shared by the parsers and
 * encoders of this package. Stateless; any thread.
 */
final class Ascii {
  static final byte CR = '\r';
  static final byte LF = '\n';
  static final byte SPACE = ' ';
  static final byte[] CRLF = {CR, LF};

  /** How much of a bad line or key an error message shows (they are never printed whole). */
  private static final int SHOWN = 60;

  private Ascii() {}

  /**
   * Parses an unsigned decimal (digits only: no sign, no spaces) of at most {@code max}.
   *
   * @return the value, or -1 when the token is empty, has a non-digit, or exceeds {@code max}
   */
  static long parseDecimal(byte[] buf, int from, int to, long max) {
    if (from >= to) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = buf[i] - '0';
      if (digit < 0 || digit > 9 || max - digit < 0 || value > (max - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Parses an unsigned 64-bit decimal (digits only, up to 18446744073709551615).
   *
   * @return the value's 64 bits, or {@code null} when the token is not such a number
   */
  static Long parseUnsigned64(byte[] buf, int from, int to) {
    if (from >= to) {
      return null;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = buf[i] - '0';
      if (digit < 0 || digit > 9) {
        return null;
      }
      // value * 10 + digit must stay below 2^64, compared as unsigned.
      if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - digit, 10)) > 0) {
        return null;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Parses a signed 32-bit decimal: an optional '-' then digits.
   *
   * @return the value, or {@code null} when the token is not such a number
   */
  static Integer parseInt32(byte[] buf, int from, int to) {
    boolean negative = from < to && buf[from] == '-';
    long magnitude = parseDecimal(buf, negative ? from + 1 : from, to, 1L << 31);
    if (magnitude < 0 || (!negative && magnitude > Integer.MAX_VALUE)) {
      return null;
    }
    return (int) (negative ? -magnitude : magnitude);
  }

  /** Whether buf[from, to) holds exactly the ASCII bytes of {@code literal}. */
  static boolean equals(byte[] buf, int from, int to, byte[] literal) {
    if (to - from != literal.length) {
      return false;
    }
    for (int i = 0; i < literal.length; i++) {
      if (buf[from + i] != literal[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether buf[from, to) starts with {@code prefix}. */
  static boolean startsWith(byte[] buf, int from, int to, byte[] prefix) {
    return to - from >= prefix.length && equals(buf, from, from + prefix.length, prefix);
  }

  static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  static String string(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.UTF_8);
  }

  /**
   * A quoted, escaped excerpt of bytes for an error message: at most {@link #SHOWN} bytes,
   * non-printable bytes as {@code \xNN}, and the total length when it is cut.
   */
  static String excerpt(byte[] buf, int from, int to) {
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(to, from + SHOWN);
    for (int i = from; i < end; i++) {
      int b = buf[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
        out.append((char) b);
      } else {
        out.append(String.format("\\x%02x", b));
      }
    }
    out.append('"');
    if (end < to) {
      out.append("... (").append(to - from).append(" bytes)");
    }
    return out.toString();
  }

  /** {@link #excerpt} of a string's UTF-8 bytes. */
  static String excerpt(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return excerpt(bytes, 0, bytes.length);
  }

  /** The first byte of {@code text} that may not appear in a reply line (CR or LF), or -1. */
  static int lineBreakIn(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        return i;
      }
    }
    return -1;
  }
}
