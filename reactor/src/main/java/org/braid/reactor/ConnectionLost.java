package org.braid.reactor;

/**
 * The connection was lost in a non-clean fashion: reset, broken pipe, an error (Twisted's {@code
 * ConnectionLost}). Thread-safe (immutable).
 */
public class ConnectionLost extends ConnectionClosed {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the standard message. Any thread. */
  public ConnectionLost() {
    super("Connection to the other side was lost in a non-clean fashion.", null);
  }

  /**
   * Creates the exception. Any thread.
   *
   * @param message what happened
   * @param cause the I/O error behind it, or {@code null}
   */
  public ConnectionLost(String message, Throwable cause) {
    super(message, cause);
  }
}
