package org.braid.protocols.memcache;

import java.util.Objects;

/**
 * A request the server answers with an error line instead of executing it.
 *
 * <p>As memcached does, the error line is not sent when the rejected command ended with {@code
 * noreply}: the client expects no reply to it, and an unexpected line would be taken as the reply
 * to its next request.
 *
 * <p>Immutable; any thread.
 *
 * @param reply the error line
 * @param noreply true when the rejected command ended with noreply, so {@code reply} is not sent
 * @param closeConnection whether the connection must be closed (after the reply, if any), because
 *     the stream's framing is lost (line too long, bad data chunk, unreadable data length)
 * @param reason what was wrong, with the actual value and the limit, for the server's log
 */
public record RejectedRequest(
    ErrorReply reply, boolean noreply, boolean closeConnection, String reason)
    implements ParsedRequest {
  /** Checks the components. */
  public RejectedRequest {
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Whether the server writes {@link #reply()}.
   *
   * @return false for a noreply command
   */
  public boolean sendsReply() {
    return !noreply;
  }
}
