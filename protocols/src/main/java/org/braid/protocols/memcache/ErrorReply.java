package org.braid.protocols.memcache;

import java.util.Objects;

/**
 * An error line, which a server may send instead of any reply (even in the middle of a get's
 * values or a stats listing, which it then abandons).
 *
 * <p>Immutable; any thread.
 *
 * @param kind which of the three error lines
 * @param message the text after the keyword; empty for a bare {@code ERROR}
 */
public record ErrorReply(Kind kind, String message) implements MemcacheReply {

  /** The three error lines of the text protocol. */
  public enum Kind {
    /** {@code ERROR}: the server does not know the command. */
    ERROR,
    /** {@code CLIENT_ERROR <message>}: the request was malformed. */
    CLIENT_ERROR,
    /** {@code SERVER_ERROR <message>}: the server could not carry the request out. */
    SERVER_ERROR
  }

  /**
   * Checks the message.
   *
   * @throws IllegalArgumentException when the message has a line break
   */
  public ErrorReply {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    if (Ascii.lineBreakIn(message) >= 0) {
      throw new IllegalArgumentException("error message has a line break at char "
          + Ascii.lineBreakIn(message) + ": " + Ascii.excerpt(message));
    }
  }

  /**
   * The bare {@code ERROR} line (unknown command).
   *
   * @return the reply
   */
  public static ErrorReply error() {
    return new ErrorReply(Kind.ERROR, "");
  }

  /**
   * A {@code CLIENT_ERROR} line.
   *
   * @param message e.g. {@code bad command line format}
   * @return the reply
   */
  public static ErrorReply clientError(String message) {
    return new ErrorReply(Kind.CLIENT_ERROR, message);
  }

  /**
   * A {@code SERVER_ERROR} line.
   *
   * @param message e.g. {@code out of memory storing object}
   * @return the reply
   */
  public static ErrorReply serverError(String message) {
    return new ErrorReply(Kind.SERVER_ERROR, message);
  }

  /**
   * The exception a client fails the request with.
   *
   * @param request what the request was, for the message (e.g. {@code "set user:42"})
   * @return a {@link MemcacheNoSuchCommandException}, {@link MemcacheClientErrorException} or
   *     {@link MemcacheServerErrorException}
   */
  public MemcacheErrorException toException(String request) {
    return switch (kind) {
      case ERROR -> new MemcacheNoSuchCommandException(this, request);
      case CLIENT_ERROR -> new MemcacheClientErrorException(this, request);
      case SERVER_ERROR -> new MemcacheServerErrorException(this, request);
    };
  }

  /**
   * The line as sent, without CRLF.
   *
   * @return e.g. {@code CLIENT_ERROR bad data chunk}
   */
  public String line() {
    return message.isEmpty() ? kind.name() : kind.name() + " " + message;
  }
}
