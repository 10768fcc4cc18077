package org.braid.protocols.memcache;

/**
 * The outcome of a storage command (set, add, replace, append, prepend, cas).
 *
 * <p>Immutable; any thread.
 */
public enum StoreResult implements MemcacheReply {
  /** The value was stored. */
  STORED,
  /** Not stored because the condition failed: add of an existing key, replace/append/prepend of
   *  a missing one. */
  NOT_STORED,
  /** cas: the item was modified since the client read its cas unique. */
  EXISTS,
  /** cas: the item does not exist (or expired, or was deleted). */
  NOT_FOUND;

  /**
   * Whether the value was stored.
   *
   * @return true for {@link #STORED}
   */
  public boolean stored() {
    return this == STORED;
  }
}
