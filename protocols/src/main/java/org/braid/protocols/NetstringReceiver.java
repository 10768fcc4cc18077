package org.braid.protocols;

import java.nio.charset.StandardCharsets;
import org.braid.protocols.NetstringParseException.Problem;
import org.braid.reactor.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives netstrings, {@code <decimal length>:<payload>,} (D. J. Bernstein's format; Twisted's
 * {@code NetstringReceiver}). Subclass it and implement {@link #stringReceived}:
 *
 * <pre>{@code
 * final class Echo extends NetstringReceiver {
 *   @Override
 *   public void stringReceived(byte[] string) {
 *     sendString(string);            // "5:hello," back
 *   }
 * }
 * }</pre>
 *
 * <p>Parsing is incremental, and how the bytes are split into {@code dataReceived} calls never
 * changes what is delivered. The payload may contain anything, {@code ':'} and {@code ','}
 * included ({@code "4:1:a,,"} delivers {@code "1:a,"}); {@code "0:,"} delivers an empty string.
 *
 * <p>The peer is broken, and the rest of its input ignored, on the first of these; each is
 * checked as early as the bytes allow:
 * <ul>
 *   <li>{@link Problem#MISSING_LENGTH}: the netstring does not start with a digit;
 *   <li>{@link Problem#LEADING_ZERO}: {@code "0"} followed by another digit ({@code "007:"});
 *   <li>{@link Problem#MISSING_COLON}: the digits are followed by something other than {@code
 *       ':'};
 *   <li>{@link Problem#TOO_LONG}: the length exceeds {@link #maxLength()} (default {@value
 *       #DEFAULT_MAX_LENGTH}), detected at the digit that takes it over, before the colon;
 *   <li>{@link Problem#MISSING_COMMA}: the byte after the announced payload is not {@code ','}.
 * </ul>
 * {@link #invalidNetstringReceived} is then called; its default logs an error with what was wrong
 * (the value, and the limit for a length) and loses the connection. Nothing is delivered once the
 * transport is disconnecting. Reactor thread only.
 */
public abstract class NetstringReceiver extends Protocol {
  private static final Logger LOG = LoggerFactory.getLogger(NetstringReceiver.class);

  /** The longest payload delivered unless {@link #setMaxLength} says otherwise (Twisted's). */
  public static final int DEFAULT_MAX_LENGTH = 99999;

  /** Where the parser is in the current netstring. */
  private enum State {
    /** Reading the digits of the length, up to the colon. */
    LENGTH,
    /** Reading the payload and the comma after it. */
    PAYLOAD,
    /** The peer sent something invalid: its input is ignored from now on. */
    BROKEN
  }

  private final ReceiveBuffer buffer = new ReceiveBuffer();
  private int maxLength = DEFAULT_MAX_LENGTH;

  /** The parser's state: see {@link State}. */
  private State state = State.LENGTH;

  /** The length read so far (LENGTH) or announced (PAYLOAD). */
  private long length;

  /** How many digits of the length were read. */
  private int digits;

  /** Creates a receiver with the default maximum. */
  protected NetstringReceiver() {}

  /**
   * A netstring arrived.
   *
   * @param string its payload; owned by the protocol
   */
  public abstract void stringReceived(byte[] string);

  /**
   * The peer sent something that is not a valid netstring, or one longer than {@link
   * #maxLength()}; its further input is ignored. Default: logs an error with the reason and loses
   * the connection.
   *
   * @param reason what was wrong, with the offending value
   */
  public void invalidNetstringReceived(NetstringParseException reason) {
    LOG.error(
        "{}: {}; losing the connection to {}",
        logPrefix(), reason.getMessage(), Connections.peerOf(this));
    Connections.lose(this);
  }

  @Override
  public final void dataReceived(byte[] data) {
    if (state == State.BROKEN) {
      return;
    }
    buffer.append(data);
    while (!buffer.isEmpty() && !Connections.isDisconnecting(this)) {
      if (state == State.LENGTH) {
        if (!readLengthByte()) {
          return;
        }
      } else if (state == State.PAYLOAD) {
        if (buffer.size() <= length) {
          return;
        }
        int end = buffer.byteAt((int) length);
        if (end != ',') {
          fail(
              Problem.MISSING_COMMA,
              "netstring of length " + length + " is followed by " + describe(end)
                  + " instead of ','");
          return;
        }
        byte[] payload = buffer.take((int) length);
        buffer.skip(1);
        state = State.LENGTH;
        length = 0;
        digits = 0;
        stringReceived(payload);
      } else {
        return;
      }
    }
  }

  /** Consumes one byte of the length part; false when the peer turned out broken. */
  private boolean readLengthByte() {
    int b = buffer.byteAt(0);
    if (b >= '0' && b <= '9') {
      if (digits == 1 && length == 0) {
        fail(Problem.LEADING_ZERO, "netstring length has a leading zero: '0' then '" + (char) b + "'");
        return false;
      }
      length = length * 10 + (b - '0');
      digits++;
      if (length > maxLength) {
        fail(
            Problem.TOO_LONG,
            "netstring length of at least " + length + " exceeds maximum " + maxLength);
        return false;
      }
      buffer.skip(1);
      return true;
    }
    if (digits == 0) {
      fail(
          Problem.MISSING_LENGTH,
          "netstring does not start with a length: " + describe(b) + " where a digit was expected");
      return false;
    }
    if (b != ':') {
      fail(
          Problem.MISSING_COLON,
          "netstring length " + length + " is followed by " + describe(b) + " instead of ':'");
      return false;
    }
    buffer.skip(1);
    state = State.PAYLOAD;
    return true;
  }

  private void fail(Problem problem, String message) {
    state = State.BROKEN;
    buffer.clear();
    invalidNetstringReceived(new NetstringParseException(problem, message));
  }

  private static String describe(int b) {
    String hex = String.format("byte 0x%02x", b);
    return b >= 0x20 && b < 0x7f ? hex + " ('" + (char) b + "')" : hex;
  }

  /**
   * Sends {@code string} as a netstring, in one write.
   *
   * @param string the payload
   */
  public void sendString(byte[] string) {
    byte[] head = (string.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] framed = new byte[head.length + string.length + 1];
    System.arraycopy(head, 0, framed, 0, head.length);
    System.arraycopy(string, 0, framed, head.length, string.length);
    framed[framed.length - 1] = ',';
    transport().write(framed);
  }

  /**
   * Tells whether the peer sent something invalid (Twisted's {@code brokenPeer}).
   *
   * @return whether its input is being ignored
   */
  public final boolean isBrokenPeer() {
    return state == State.BROKEN;
  }

  /**
   * Sets the longest payload delivered (default {@value #DEFAULT_MAX_LENGTH}).
   *
   * @param maxLength the most bytes in a payload; 0 or more
   * @throws IllegalArgumentException when negative
   */
  public final void setMaxLength(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength is negative: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /**
   * The longest payload delivered.
   *
   * @return the limit in bytes
   */
  public final int maxLength() {
    return maxLength;
  }
}
