package org.braid.protocols;

import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the length-prefixed receivers share (Twisted's {@code IntNStringReceiver}): each string on
 * the wire is an unsigned big-endian length of {@link #prefixLength()} bytes, then that many
 * bytes. Subclass {@link Int32StringReceiver}, {@link Int16StringReceiver} or {@link
 * Int8StringReceiver} and implement {@link #stringReceived}:
 *
 * <pre>{@code
 * final class Echo extends Int32StringReceiver {
 *   @Override
 *   public void stringReceived(byte[] string) {
 *     sendString(string);
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A string of up to {@link #maxLength()} bytes (default {@value #DEFAULT_MAX_LENGTH}, as in
 *       Twisted) is delivered; the empty string is delivered too. The length is checked as soon as
 *       the prefix is complete, before the body arrives: a longer one goes to {@link
 *       #lengthLimitExceeded} and nothing more is parsed in that call. The default logs an error
 *       naming the limit and the length and loses the connection. (An override that keeps the
 *       connection is called again at the next {@code dataReceived}, since the offending prefix
 *       stays first in the buffer, as in Twisted.)
 *   <li>{@link #sendString} writes prefix and body in one write, and throws {@link
 *       StringTooLongException} for a string the prefix cannot announce. It does not check {@code
 *       maxLength}, which is about what we accept.
 *   <li>How the bytes are split into {@code dataReceived} calls never changes what is delivered.
 *   <li>As with {@link LineReceiver}: nothing is delivered while paused ({@link
 *       #pauseProducing()}) or once the transport is disconnecting; {@code dataReceived} called
 *       while it runs only appends to the buffer.
 * </ul>
 *
 * Reactor thread only.
 */
public abstract class IntNStringReceiver extends Protocol implements PushProducer {
  private static final Logger LOG = LoggerFactory.getLogger(IntNStringReceiver.class);
  private static final byte[] EMPTY = new byte[0];

  /** The longest string delivered unless {@link #setMaxLength} says otherwise (Twisted's). */
  public static final int DEFAULT_MAX_LENGTH = 99999;

  private final int prefixLength;
  private final long largestAnnounceable;
  private final ReceiveBuffer buffer = new ReceiveBuffer();
  private int maxLength = DEFAULT_MAX_LENGTH;
  private boolean paused;
  private boolean delivering;

  /** Only the three prefix sizes exist, so only they may extend this class. */
  IntNStringReceiver(int prefixLength) {
    this.prefixLength = prefixLength;
    this.largestAnnounceable = (1L << (8 * prefixLength)) - 1;
  }

  /**
   * A string arrived.
   *
   * @param string its bytes, without the prefix; owned by the protocol
   */
  public abstract void stringReceived(byte[] string);

  /**
   * A prefix announced a string longer than {@link #maxLength()}. Default: logs an error naming
   * the limit and the length, and loses the connection.
   *
   * @param length the announced length
   */
  public void lengthLimitExceeded(long length) {
    LOG.error(
        "{}: string length {} exceeds maximum {}; losing the connection to {}",
        logPrefix(), length, maxLength, Connections.peerOf(this));
    Connections.lose(this);
  }

  @Override
  public final void dataReceived(byte[] data) {
    if (delivering) {
      buffer.append(data);
      return;
    }
    delivering = true;
    try {
      buffer.append(data);
      deliver();
    } finally {
      delivering = false;
    }
  }

  private void deliver() {
    while (!paused && buffer.size() >= prefixLength && !Connections.isDisconnecting(this)) {
      long length = 0;
      for (int i = 0; i < prefixLength; i++) {
        length = (length << 8) | buffer.byteAt(i);
      }
      if (length > maxLength) {
        lengthLimitExceeded(length);
        return;
      }
      if (buffer.size() - prefixLength < length) {
        return;
      }
      buffer.skip(prefixLength);
      stringReceived(buffer.take((int) length));
    }
  }

  /**
   * Sends {@code string} after its length prefix, in one write.
   *
   * @param string the bytes
   * @throws StringTooLongException when the prefix cannot announce its length
   */
  public void sendString(byte[] string) {
    if (string.length > largestAnnounceable) {
      throw new StringTooLongException(
          string.length,
          largestAnnounceable,
          getClass().getSimpleName() + "'s " + prefixLength + "-byte");
    }
    byte[] framed = new byte[prefixLength + string.length];
    long length = string.length;
    for (int i = prefixLength - 1; i >= 0; i--) {
      framed[i] = (byte) length;
      length >>>= 8;
    }
    System.arraycopy(string, 0, framed, prefixLength, string.length);
    transport().write(framed);
  }

  /**
   * How many bytes the length prefix has: 4, 2 or 1.
   *
   * @return the prefix size
   */
  public final int prefixLength() {
    return prefixLength;
  }

  /**
   * Sets the longest string delivered (default {@value #DEFAULT_MAX_LENGTH}).
   *
   * @param maxLength the most bytes in a string; 0 or more
   * @throws IllegalArgumentException when negative
   */
  public final void setMaxLength(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength is negative: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /**
   * The longest string delivered.
   *
   * @return the limit in bytes
   */
  public final int maxLength() {
    return maxLength;
  }

  /**
   * Tells whether delivery is paused.
   *
   * @return whether strings stay buffered
   */
  public final boolean isPaused() {
    return paused;
  }

  /** Stops delivering strings, and stops the transport reading, until {@link #resumeProducing()}. */
  @Override
  public void pauseProducing() {
    paused = true;
    transport().pauseProducing();
  }

  /** Delivers the strings buffered meanwhile, then lets the transport read again. */
  @Override
  public void resumeProducing() {
    paused = false;
    transport().resumeProducing();
    dataReceived(EMPTY);
  }

  /** Stops delivering strings for good, and stops the transport. */
  @Override
  public void stopProducing() {
    paused = true;
    transport().stopProducing();
  }
}
