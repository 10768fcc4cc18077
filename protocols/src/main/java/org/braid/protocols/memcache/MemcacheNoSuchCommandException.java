package org.braid.protocols.memcache;

/**
 * The server does not know the command it was sent: it answered {@code ERROR} (Twisted's {@code NoSuchCommand}).
 *
 * <p>Immutable; any thread.
 */
public final class MemcacheNoSuchCommandException extends MemcacheErrorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param reply the error line
   * @param request what the request was, for the message
   */
  public MemcacheNoSuchCommandException(ErrorReply reply, String request) {
    super(reply, request);
  }
}
