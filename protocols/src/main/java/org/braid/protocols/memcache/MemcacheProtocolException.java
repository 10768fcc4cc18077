package org.braid.protocols.memcache;

/**
 * The bytes from the peer do not follow the memcache text protocol: a malformed VALUE header, a
 * data block not followed by CRLF, a line longer than the limit, a reply that does not fit the
 * request it answers. The stream's framing can no longer be trusted, so the parser that threw it
 * is dead and the connection must be dropped; the message names the problem, the actual value and
 * the limit.
 *
 * <p>Immutable; any thread.
 */
public final class MemcacheProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, with the offending value and the limit
   */
  public MemcacheProtocolException(String message) {
    super(message);
  }
}
