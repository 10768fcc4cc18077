package org.braid.protocols.memcache;

import java.util.OptionalLong;

/**
 * The outcome of incr or decr: the new value, or nothing when the key does not exist.
 *
 * <p>Counters are unsigned 64-bit numbers: a value above {@link Long#MAX_VALUE} reads as a negative
 * {@code long}; print it with {@link Long#toUnsignedString(long)} and compare it with {@link
 * Long#compareUnsigned}.
 *
 * <p>Immutable; any thread.
 *
 * @param value the counter after the change, or empty for NOT_FOUND
 */
public record CounterResult(OptionalLong value) implements MemcacheReply {
  /** The key does not exist (memcached's NOT_FOUND). */
  public static final CounterResult NOT_FOUND = new CounterResult(OptionalLong.empty());

  /**
   * Checks the value.
   *
   * @throws NullPointerException when {@code value} is null (use {@link #NOT_FOUND})
   */
  public CounterResult {
    java.util.Objects.requireNonNull(value, "value");
  }

  /**
   * A counter's new value.
   *
   * @param unsignedValue the value's 64 bits, read as unsigned
   * @return a found result
   */
  public static CounterResult of(long unsignedValue) {
    return new CounterResult(OptionalLong.of(unsignedValue));
  }

  /**
   * Whether the key existed.
   *
   * @return false for {@link #NOT_FOUND}
   */
  public boolean found() {
    return value.isPresent();
  }

  @Override
  public String toString() {
    return value.isPresent()
        ? "CounterResult[" + Long.toUnsignedString(value.getAsLong()) + "]"
        : "CounterResult[NOT_FOUND]";
  }
}
