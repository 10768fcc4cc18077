package org.braid.protocols.memcache;

/**
 * The server found the request malformed: it answered {@code CLIENT_ERROR <message>} (Twisted's {@code ClientError}).
 *
 * <p>Immutable; any thread.
 */
public final class MemcacheClientErrorException extends MemcacheErrorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param reply the error line
   * @param request what the request was, for the message
   */
  public MemcacheClientErrorException(ErrorReply reply, String request) {
    super(reply, request);
  }
}
