package org.braid.reactor;

/**
 * Why a connection ended: the common supertype of {@link ConnectionDone} and {@link
 * ConnectionLost}, given to {@link Protocol#connectionLost}. Thread-safe (immutable).
 */
public class ConnectionClosed extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what happened
   * @param cause the I/O error behind it, or {@code null}
   */
  public ConnectionClosed(String message, Throwable cause) {
    super(message, cause);
  }
}
