package org.braid.protocols.memcache;

import java.util.Objects;

/**
 * A memcache server answered a request with an error line. The request failed but the connection
 * is fine: later requests go on. See the subclasses for each kind of error line.
 *
 * <p>Immutable; any thread.
 */
public abstract sealed class MemcacheErrorException extends RuntimeException
    permits MemcacheNoSuchCommandException,
        MemcacheClientErrorException,
        MemcacheServerErrorException {
  private static final long serialVersionUID = 1L;

  /** The error line; not serialized with the exception. */
  private final transient ErrorReply reply;

  MemcacheErrorException(ErrorReply reply, String request) {
    super(reply.line() + " (request: " + request + ")");
    this.reply = Objects.requireNonNull(reply, "reply");
  }

  /**
   * The error line the server sent.
   *
   * @return the reply
   */
  public ErrorReply reply() {
    return reply;
  }
}
