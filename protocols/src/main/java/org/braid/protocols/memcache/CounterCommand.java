package org.braid.protocols.memcache;

/**
 * incr and decr: change a decimal counter stored as an item's value.
 *
 * <p>Immutable; any thread.
 */
public enum CounterCommand {
  /** Add to the counter, wrapping at 2^64. */
  INCR("incr"),
  /** Subtract from the counter, stopping at 0. */
  DECR("decr");

  private final String wireName;
  private final byte[] wireBytes;

  CounterCommand(String wireName) {
    this.wireName = wireName;
    this.wireBytes = Ascii.bytes(wireName);
  }

  /**
   * The command's name on the wire.
   *
   * @return {@code "incr"} or {@code "decr"}
   */
  public String wireName() {
    return wireName;
  }

  byte[] wireBytes() {
    return wireBytes;
  }
}
