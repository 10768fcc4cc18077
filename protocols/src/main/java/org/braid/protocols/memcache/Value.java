package org.braid.protocols.memcache;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One item as a get or gets returned it.
 *
 * <p>The data array is shared, not copied (values can be large): treat it as read-only.
 *
 * <p>Immutable; any thread.
 *
 * @param key the item's key
 * @param flags the 32 opaque bits stored with the item (unsigned on the wire; see {@link
 *     Integer#toUnsignedLong})
 * @param data the value
 * @param cas the item's cas unique (unsigned 64 bits) for gets, empty for get
 */
public record Value(String key, int flags, byte[] data, OptionalLong cas) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when the key is not a valid memcache key
   */
  public Value {
    MemcacheKey.encode(key);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(cas, "cas");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Value that
        && key.equals(that.key)
        && flags == that.flags
        && Arrays.equals(data, that.data)
        && cas.equals(that.cas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, flags, Arrays.hashCode(data), cas);
  }

  /** Shows the key, flags, size and cas, never the data. */
  @Override
  public String toString() {
    return "Value[key=" + Ascii.excerpt(key) + ", flags=" + Integer.toUnsignedString(flags) + ", "
        + data.length + " bytes"
        + (cas.isPresent() ? ", cas=" + Long.toUnsignedString(cas.getAsLong()) : "") + "]";
  }
}
