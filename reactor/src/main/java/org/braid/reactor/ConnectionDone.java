package org.braid.reactor;

/**
 * The connection was closed cleanly: both sides finished in order (Twisted's {@code
 * ConnectionDone}). Thread-safe (immutable).
 */
public class ConnectionDone extends ConnectionClosed {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the standard message. Any thread. */
  public ConnectionDone() {
    super("Connection was closed cleanly.", null);
  }

  /**
   * Creates the exception. Any thread.
   *
   * @param message what happened
   */
  public ConnectionDone(String message) {
    super(message, null);
  }
}
