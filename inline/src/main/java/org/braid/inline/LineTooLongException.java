package org.braid.inline;

import java.io.IOException;

/**
 * A line longer than {@link Connection#MAX_LINE_LENGTH} arrived; the connection is lost.
 * Thread-safe (immutable).
 */
public class LineTooLongException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message the length and the limit
   */
  public LineTooLongException(String message) {
    super(message);
  }
}
