package org.braid.protocols;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A protocol that receives lines, and can switch to raw data and back (Twisted's {@code
 * LineReceiver}). Subclass it and implement {@link #lineReceived}:
 *
 * <pre>{@code
 * final class Echo extends LineReceiver {
 *   @Override
 *   public void lineReceived(byte[] line) {
 *     sendLine(line);
 *   }
 * }
 * }</pre>
 *
 * <h2>Lines are bytes</h2>
 * A line arrives as a fresh {@code byte[]} without its delimiter, owned by the protocol. Lines are
 * bytes, not strings, because the wire is: the protocol decides the charset (or that there is
 * none, as for the length-announced data blocks of memcache), and no bytes are decoded that are
 * never looked at. Decode with {@code new String(line, StandardCharsets.UTF_8)}; send text with
 * {@link #sendLine(String)}, which encodes UTF-8.
 *
 * <h2>Framing</h2>
 * <ul>
 *   <li>The delimiter is CRLF unless {@link #setDelimiter} says otherwise; it may be changed at
 *       any time, also from {@code lineReceived}, and applies from the next line on.
 *   <li>A line of up to {@link #maxLength()} bytes (default {@value #DEFAULT_MAX_LENGTH}) is
 *       delivered. A longer one goes to {@link #lineLengthExceeded} with everything buffered from
 *       its first byte on, delimiters included. So does a buffer without a delimiter once it holds
 *       {@code maxLength + delimiter length} bytes: up to one byte less is tolerated, since it may
 *       be a line of {@code maxLength} bytes whose delimiter is still on its way (Twisted #6556).
 *       The default {@code lineLengthExceeded} logs an error naming the limit and the length and
 *       loses the connection.
 *   <li>How the bytes are split into {@code dataReceived} calls never changes what is delivered.
 * </ul>
 *
 * <h2>Raw mode</h2>
 * {@link #setRawMode()} (typically from {@code lineReceived}, after a header announced a body)
 * hands everything after the current line to {@link #rawDataReceived}, from the same chunk on;
 * {@link #setLineMode(byte[])} from {@code rawDataReceived} goes back to lines, re-reading the
 * bytes given to it first. Nothing is lost or delivered twice. Switching is iterative: a protocol
 * that flips modes after every line of a huge chunk does not grow the stack.
 *
 * <h2>Stopping delivery</h2>
 * Lines (and raw data) stop being delivered, and stay buffered:
 * <ul>
 *   <li>while the protocol is paused ({@link #pauseProducing()}, which also stops the transport
 *       reading); {@link #resumeProducing()} delivers what was buffered, then reads again. The
 *       protocol can register itself as its transport's producer, so a slow peer reading our
 *       replies slows down how fast we read its requests;
 *   <li>once the transport is disconnecting ({@code loseConnection} was called, e.g. by {@code
 *       lineReceived} or {@code lineLengthExceeded}): nothing more is delivered.
 * </ul>
 *
 * <p>{@link #dataReceived} called while it is already running (from {@code lineReceived}, or by
 * {@code setLineMode(extra)} from {@code rawDataReceived}) only appends to the buffer; the outer
 * call delivers it. An exception thrown by {@code lineReceived} or {@code rawDataReceived}
 * propagates to the transport, which logs it and drops the connection; the line that threw is
 * consumed. Reactor thread only.
 */
public abstract class LineReceiver extends Protocol implements PushProducer {
  private static final Logger LOG = LoggerFactory.getLogger(LineReceiver.class);
  private static final byte[] EMPTY = new byte[0];

  /** The longest line delivered unless {@link #setMaxLength} says otherwise (Twisted's). */
  public static final int DEFAULT_MAX_LENGTH = 16384;

  private final ReceiveBuffer buffer = new ReceiveBuffer();
  private byte[] delimiter = {'\r', '\n'};
  private int maxLength = DEFAULT_MAX_LENGTH;

  /** Line mode (the initial mode) or raw mode; see {@link #setRawMode()}. */
  private boolean lineMode = true;

  /** No delimiter starts before this offset in the buffer (so no byte is scanned twice). */
  private int scanFrom;

  private boolean paused;

  /** True while {@link #dataReceived} runs its delivery loop (the re-entrancy guard). */
  private boolean delivering;

  /** Creates a receiver in line mode, with CRLF and the default maximum. */
  protected LineReceiver() {}

  /**
   * A line arrived.
   *
   * @param line its bytes, without the delimiter; owned by the protocol
   */
  public abstract void lineReceived(byte[] line);

  /**
   * Bytes arrived in raw mode. Default: throws {@link UnsupportedOperationException}; override it
   * if you call {@link #setRawMode()}.
   *
   * @param data the bytes; owned by the protocol
   */
  public void rawDataReceived(byte[] data) {
    throw new UnsupportedOperationException(
        getClass().getName() + " switched to raw mode but does not override rawDataReceived");
  }

  /**
   * A line is longer than {@link #maxLength()}. Default: logs an error naming the limit and the
   * length, and loses the connection. An override that does not lose the connection may go on
   * receiving: the rejected bytes are already out of the buffer.
   *
   * @param data everything that was buffered from the first byte of the offending line on,
   *     delimiters included; when no delimiter came yet, the unterminated bytes so far
   */
  public void lineLengthExceeded(byte[] data) {
    int lineLength = Bytes.indexOf(data, delimiter);
    if (lineLength >= 0) {
      LOG.error(
          "{}: line length {} exceeds maximum {}; losing the connection to {}",
          logPrefix(), lineLength, maxLength, Connections.peerOf(this));
    } else {
      LOG.error(
          "{}: line length at least {} (no delimiter yet) exceeds maximum {}; losing the connection to {}",
          logPrefix(), data.length, maxLength, Connections.peerOf(this));
    }
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
    while (!paused && !buffer.isEmpty() && !Connections.isDisconnecting(this)) {
      if (lineMode) {
        // A delimiter beyond maxLength means the line is too long anyway: search no further.
        int limit = (int) Math.min(Integer.MAX_VALUE, (long) maxLength + delimiter.length);
        int at = buffer.indexOf(delimiter, scanFrom, limit);
        if (at < 0) {
          if (buffer.size() >= limit) {
            scanFrom = 0;
            lineLengthExceeded(buffer.takeAll());
          } else {
            scanFrom = Math.max(0, buffer.size() - delimiter.length + 1);
          }
          return;
        }
        byte[] line = buffer.take(at);
        buffer.skip(delimiter.length);
        scanFrom = 0;
        lineReceived(line);
      } else {
        scanFrom = 0;
        rawDataReceived(buffer.takeAll());
      }
    }
  }

  /**
   * Sends {@code line} followed by the delimiter, in one write.
   *
   * @param line the bytes of the line, without a delimiter
   */
  public void sendLine(byte[] line) {
    byte[] framed = Arrays.copyOf(line, line.length + delimiter.length);
    System.arraycopy(delimiter, 0, framed, line.length, delimiter.length);
    transport().write(framed);
  }

  /**
   * Sends {@code line}, encoded as UTF-8, followed by the delimiter.
   *
   * @param line the text of the line
   */
  public void sendLine(String line) {
    sendLine(line.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Switches to raw mode: everything after the current line, from the same chunk on, goes to
   * {@link #rawDataReceived}.
   */
  public final void setRawMode() {
    lineMode = false;
    scanFrom = 0;
  }

  /** Switches to line mode. */
  public final void setLineMode() {
    setLineMode(EMPTY);
  }

  /**
   * Switches to line mode, then parses {@code extra} as if it had just arrived: call it from
   * {@link #rawDataReceived} with the bytes after the end of the raw part. (From {@code
   * lineReceived}, pass nothing: {@code extra} would be read after what is already buffered.)
   *
   * @param extra bytes to parse as lines; the array becomes the receiver's (it may keep and
   *     reuse it), as arrays given to {@code dataReceived} do
   */
  public final void setLineMode(byte[] extra) {
    Objects.requireNonNull(extra, "extra");
    lineMode = true;
    if (extra.length > 0) {
      dataReceived(extra);
    }
  }

  /**
   * Tells whether the receiver is in line mode.
   *
   * @return {@code true} in line mode, {@code false} in raw mode
   */
  public final boolean isLineMode() {
    return lineMode;
  }

  /**
   * Removes and returns the bytes received but not yet delivered. Called from {@code
   * lineReceived}, it drops the rest of the current chunk: the lines after this one are not
   * delivered.
   *
   * @return the buffered bytes
   */
  public final byte[] clearLineBuffer() {
    scanFrom = 0;
    return buffer.takeAll();
  }

  /**
   * Sets the delimiter (default CRLF); it applies from the next line on.
   *
   * @param delimiter one or more bytes
   * @throws IllegalArgumentException when {@code delimiter} is empty
   */
  public final void setDelimiter(byte[] delimiter) {
    if (delimiter.length == 0) {
      throw new IllegalArgumentException("delimiter is empty; it needs at least one byte");
    }
    this.delimiter = delimiter.clone();
    scanFrom = 0;
  }

  /**
   * The delimiter.
   *
   * @return a copy of it
   */
  public final byte[] delimiter() {
    return delimiter.clone();
  }

  /**
   * Sets the longest line delivered (default {@value #DEFAULT_MAX_LENGTH}).
   *
   * @param maxLength the most bytes in a line, without its delimiter; 0 or more
   * @throws IllegalArgumentException when negative
   */
  public final void setMaxLength(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength is negative: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /**
   * The longest line delivered.
   *
   * @return the limit in bytes
   */
  public final int maxLength() {
    return maxLength;
  }

  /**
   * Tells whether delivery is paused ({@link #pauseProducing()}, {@link #stopProducing()}).
   *
   * @return whether lines stay buffered
   */
  public final boolean isPaused() {
    return paused;
  }

  /** Stops delivering lines, and stops the transport reading, until {@link #resumeProducing()}. */
  @Override
  public void pauseProducing() {
    paused = true;
    transport().pauseProducing();
  }

  /** Delivers the lines buffered meanwhile, then lets the transport read again. */
  @Override
  public void resumeProducing() {
    paused = false;
    transport().resumeProducing();
    dataReceived(EMPTY);
  }

  /** Stops delivering lines for good, and stops the transport. */
  @Override
  public void stopProducing() {
    paused = true;
    transport().stopProducing();
  }
}
