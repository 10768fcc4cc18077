package org.braid.protocols;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.braid.reactor.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A protocol that receives lines and nothing else (Twisted's {@code LineOnlyReceiver}): the lean
 * variant of {@link LineReceiver}, with no raw mode, no pausing and no re-entrancy guard, so the
 * delivery loop checks nothing but the delimiter, the length and whether the connection is
 * closing. Use it when a protocol is only lines; use {@code LineReceiver} when it switches to raw
 * data or needs backpressure.
 *
 * <pre>{@code
 * final class Shout extends LineOnlyReceiver {
 *   @Override
 *   public void lineReceived(byte[] line) {
 *     sendLine(new String(line, UTF_8).toUpperCase(Locale.ROOT));
 *   }
 * }
 * }</pre>
 *
 * <p>Lines are {@code byte[]} without the delimiter (CRLF unless {@link #setDelimiter} says
 * otherwise), as for {@link LineReceiver}, whose Javadoc says why. A line of up to {@link
 * #maxLength()} bytes (default {@value #DEFAULT_MAX_LENGTH}) is delivered; a longer one goes to
 * {@link #lineLengthExceeded} with <em>that line only</em>, without its delimiter (Twisted's
 * behaviour, which differs from {@code LineReceiver}'s, Twisted #6558), and so does an
 * unterminated buffer once it holds {@code maxLength + delimiter length} bytes. The default logs
 * an error naming the limit and the length and loses the connection; once the transport is
 * disconnecting nothing more is delivered.
 *
 * <p>Two deliberate differences from Twisted, both about what an override of {@code
 * lineLengthExceeded} that keeps the connection sees, and both invisible with the default:
 * an unterminated fragment is rejected at the same threshold as in {@code LineReceiver} (Twisted
 * rejects one byte beyond {@code maxLength}, so a line of exactly {@code maxLength} bytes whose
 * delimiter arrives in two packets is refused: Twisted #3353, open), and the lines after a
 * rejected one in the same chunk are still delivered (Twisted drops them). So what is delivered
 * never depends on how the input is chunked.
 *
 * <p>Do not call {@link #dataReceived} from {@code lineReceived}. Reactor thread only.
 */
public abstract class LineOnlyReceiver extends Protocol {
  private static final Logger LOG = LoggerFactory.getLogger(LineOnlyReceiver.class);

  /** The longest line delivered unless {@link #setMaxLength} says otherwise (Twisted's). */
  public static final int DEFAULT_MAX_LENGTH = 16384;

  private final ReceiveBuffer buffer = new ReceiveBuffer();
  private byte[] delimiter = {'\r', '\n'};
  private int maxLength = DEFAULT_MAX_LENGTH;

  /** No delimiter starts before this offset in the buffer (so no byte is scanned twice). */
  private int scanFrom;

  /** Creates a receiver with CRLF and the default maximum. */
  protected LineOnlyReceiver() {}

  /**
   * A line arrived.
   *
   * @param line its bytes, without the delimiter; owned by the protocol
   */
  public abstract void lineReceived(byte[] line);

  /**
   * A line is longer than {@link #maxLength()}. Default: logs an error naming the limit and the
   * length, and loses the connection.
   *
   * @param line the offending line without its delimiter, or the unterminated bytes so far
   */
  public void lineLengthExceeded(byte[] line) {
    LOG.error(
        "{}: line length {} exceeds maximum {}; losing the connection to {}",
        logPrefix(), line.length, maxLength, Connections.peerOf(this));
    Connections.lose(this);
  }

  @Override
  public final void dataReceived(byte[] data) {
    buffer.append(data);
    while (!buffer.isEmpty() && !Connections.isDisconnecting(this)) {
      // Read each time round: lineReceived may change the delimiter or the maximum.
      int limit = (int) Math.min(Integer.MAX_VALUE, (long) maxLength + delimiter.length);
      int at = buffer.indexOf(delimiter, scanFrom, limit);
      if (at >= 0) {
        byte[] line = buffer.take(at);
        buffer.skip(delimiter.length);
        scanFrom = 0;
        lineReceived(line);
      } else if (buffer.size() >= limit) {
        // Too long whether or not its delimiter came: pass the line alone, as Twisted does.
        int end = buffer.indexOf(delimiter, Math.max(0, limit - delimiter.length + 1), Integer.MAX_VALUE);
        byte[] line;
        if (end < 0) {
          line = buffer.takeAll();
        } else {
          line = buffer.take(end);
          buffer.skip(delimiter.length);
        }
        scanFrom = 0;
        lineLengthExceeded(line);
      } else {
        scanFrom = Math.max(0, buffer.size() - delimiter.length + 1);
        return;
      }
    }
  }

  /**
   * Sends {@code line} followed by the delimiter (one {@code writeSequence}, no copy).
   *
   * @param line the bytes of the line, without a delimiter
   */
  public void sendLine(byte[] line) {
    transport().writeSequence(List.of(line, delimiter));
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
}
