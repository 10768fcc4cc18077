package org.braid.protocols.memcache;

/**
 * The six storage commands; each sends a data block and gets a {@link StoreResult}.
 *
 * <p>Immutable; any thread.
 */
public enum StorageCommand {
  /** Store unconditionally. */
  SET("set"),
  /** Store only if the key does not exist. */
  ADD("add"),
  /** Store only if the key exists. */
  REPLACE("replace"),
  /** Add the data after an existing item's data (flags and exptime are ignored). */
  APPEND("append"),
  /** Add the data before an existing item's data (flags and exptime are ignored). */
  PREPEND("prepend"),
  /** Store only if the item's cas unique is still the one given ("check and set"). */
  CAS("cas");

  private final String wireName;
  private final byte[] wireBytes;

  StorageCommand(String wireName) {
    this.wireName = wireName;
    this.wireBytes = Ascii.bytes(wireName);
  }

  /**
   * The command's name on the wire.
   *
   * @return e.g. {@code "set"}
   */
  public String wireName() {
    return wireName;
  }

  byte[] wireBytes() {
    return wireBytes;
  }
}
