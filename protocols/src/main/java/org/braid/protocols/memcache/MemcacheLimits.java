package org.braid.protocols.memcache;

/**
 * How much the parsers and encoders accept, so one peer cannot make a connection buffer without
 * bound.
 *
 * <p>Immutable; any thread.
 *
 * @param maxLineLength the longest command or reply line, in bytes without CRLF
 * @param maxValueLength the largest data block (value), in bytes
 * @param maxKeysPerGet the most keys one get or gets may name
 */
public record MemcacheLimits(int maxLineLength, int maxValueLength, int maxKeysPerGet) {
  /**
   * 16 KiB lines, 1 MiB values (memcached's default item size limit), 1024 keys per get. A
   * server configured with a larger item size ({@code memcached -I}) needs a client with a larger
   * {@code maxValueLength}.
   */
  public static final MemcacheLimits DEFAULTS = new MemcacheLimits(16 * 1024, 1024 * 1024, 1024);

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException when a limit is below its minimum
   */
  public MemcacheLimits {
    // A line must fit at least "VALUE <250-byte key> <flags> <bytes> <cas>".
    requireAtLeast("maxLineLength", maxLineLength, 512);
    requireAtLeast("maxValueLength", maxValueLength, 0);
    requireAtLeast("maxKeysPerGet", maxKeysPerGet, 1);
  }

  private static void requireAtLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " " + value + " is below the minimum " + minimum);
    }
  }

  /**
   * A copy with another value limit.
   *
   * @param maxValueLength the largest data block, in bytes
   * @return the new limits
   */
  public MemcacheLimits withMaxValueLength(int maxValueLength) {
    return new MemcacheLimits(maxLineLength, maxValueLength, maxKeysPerGet);
  }

  /**
   * A copy with another line limit.
   *
   * @param maxLineLength the longest line, in bytes without CRLF
   * @return the new limits
   */
  public MemcacheLimits withMaxLineLength(int maxLineLength) {
    return new MemcacheLimits(maxLineLength, maxValueLength, maxKeysPerGet);
  }

  /**
   * A copy with another key count limit.
   *
   * @param maxKeysPerGet the most keys per get
   * @return the new limits
   */
  public MemcacheLimits withMaxKeysPerGet(int maxKeysPerGet) {
    return new MemcacheLimits(maxLineLength, maxValueLength, maxKeysPerGet);
  }
}
