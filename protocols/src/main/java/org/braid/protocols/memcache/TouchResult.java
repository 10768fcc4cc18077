package org.braid.protocols.memcache;

/**
 * The outcome of a touch (a new expiration time for an existing item).
 *
 * <p>Immutable; any thread.
 */
public enum TouchResult implements MemcacheReply {
  /** The item's expiration time was changed. */
  TOUCHED,
  /** There was no such item. */
  NOT_FOUND;

  /**
   * Whether the item was touched.
   *
   * @return true for {@link #TOUCHED}
   */
  public boolean touched() {
    return this == TOUCHED;
  }
}
