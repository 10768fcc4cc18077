package org.braid.protocols.memcache;

/**
 * The reply of commands that only acknowledge, such as flush_all.
 *
 * <p>Immutable; any thread.
 */
public enum OkReply implements MemcacheReply {
  /** The command was done. */
  OK
}
