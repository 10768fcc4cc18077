package org.braid.protocols;

/**
 * A string is too long for the length prefix it would be sent with (Twisted's {@code
 * StringTooLongError}): thrown by {@link IntNStringReceiver#sendString} before anything is
 * written. Thread-safe (immutable).
 */
public class StringTooLongException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final long length;
  private final long maximum;

  /**
   * Creates the exception. Any thread.
   *
   * @param length the string's length
   * @param maximum the longest string the prefix can announce
   * @param prefix what the prefix is, for the message: {@code "Int8StringReceiver's 1-byte"}
   */
  public StringTooLongException(long length, long maximum, String prefix) {
    super(
        "string length "
            + length
            + " does not fit "
            + prefix
            + " length prefix (at most "
            + maximum
            + " bytes)");
    this.length = length;
    this.maximum = maximum;
  }

  /**
   * The length of the string that did not fit.
   *
   * @return the length in bytes
   */
  public long length() {
    return length;
  }

  /**
   * The longest string the prefix can announce.
   *
   * @return the limit in bytes
   */
  public long maximum() {
    return maximum;
  }
}
