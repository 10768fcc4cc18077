package org.braid.reactor.internal;

import java.time.Duration;

/**
 * Time arithmetic on {@code long} nanoseconds that saturates instead of overflowing, so that a call
 * scheduled "practically never" ({@code Duration.ofDays(1_000_000)}) does not wrap around into the
 * past. Thread-safe (stateless).
 */
public final class Nanos {
  private Nanos() {}

  /**
   * Converts a duration to nanoseconds, clamped to the {@code long} range.
   *
   * @param duration any duration
   * @return its length in nanoseconds, saturated
   */
  public static long of(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      // About 292 years either way: no timer can meaningfully wait longer.
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * Adds two nanosecond values, clamped to the {@code long} range.
   *
   * @param a one value
   * @param b the other
   * @return {@code a + b}, saturated
   */
  public static long add(long a, long b) {
    long sum = a + b;
    // Overflow happened iff both operands have the same sign and the sum's sign differs.
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /**
   * Formats nanoseconds as seconds with millisecond precision, e.g. {@code 1.500s}, for log
   * messages and {@code toString()}.
   *
   * @param nanos a time or a length of time
   * @return the text
   */
  public static String format(long nanos) {
    if (nanos == Long.MAX_VALUE) {
      return "never";
    }
    long millis = Math.floorDiv(nanos, 1_000_000L);
    String sign = millis < 0 ? "-" : "";
    long abs = Math.abs(millis);
    return String.format("%s%d.%03ds", sign, abs / 1000, abs % 1000);
  }
}
