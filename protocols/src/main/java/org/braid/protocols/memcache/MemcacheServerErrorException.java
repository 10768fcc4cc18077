package org.braid.protocols.memcache;

/**
 * The server could not carry the request out: it answered {@code SERVER_ERROR <message>}, e.g. {@code out of memory storing object} (Twisted's {@code ServerError}).
 *
 * <p>Immutable; any thread.
 */
public final class MemcacheServerErrorException extends MemcacheErrorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param reply the error line
   * @param request what the request was, for the message
   */
  public MemcacheServerErrorException(ErrorReply reply, String request) {
    super(reply, request);
  }
}
