package org.braid.protocols.memcache;

import java.util.Objects;

/**
 * A request the server answers with an error line instead of executing it. Error lines are sent
 * even for noreply requests (as memcached does), so a broken client hears about its mistake.
 *
 * @param reply the error line to send
 * @param closeConnection whether the connection must be closed after the reply, because the
 *     stream's framing is lost (line too long, bad data chunk, unreadable data length)
 * @param reason what was wrong, with the actual value and the limit, for the server's log
 */
public record RejectedRequest(ErrorReply reply, boolean closeConnection, String reason)
    implements ParsedRequest {
  /** Checks the components. */
  public RejectedRequest {
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(reason, "reason");
  }
}
