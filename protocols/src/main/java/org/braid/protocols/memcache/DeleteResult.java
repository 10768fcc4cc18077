package org.braid.protocols.memcache;

/**
 * The outcome of a delete.
 *
 * <p>Immutable; any thread.
 */
public enum DeleteResult implements MemcacheReply {
  /** The item was deleted. */
  DELETED,
  /** There was no such item. */
  NOT_FOUND;

  /**
   * Whether an item was deleted.
   *
   * @return true for {@link #DELETED}
   */
  public boolean deleted() {
    return this == DELETED;
  }
}
