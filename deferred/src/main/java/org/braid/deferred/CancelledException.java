package org.braid.deferred;

/**
 * The failure of a {@link Deferred} that was cancelled before it had a result.
 *
 * <p>It is a checked exception, as Twisted's {@code CancelledError} is an ordinary error: inline
 * code that awaits a cancelled Deferred catches it by this type. Thread-safe (immutable).
 */
public class CancelledException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the default message. Any thread. */
  public CancelledException() {
    super("Deferred was cancelled");
  }

  /**
   * Creates the exception with a message. Any thread.
   *
   * @param message what was cancelled and why
   */
  public CancelledException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a message and a cause. Any thread.
   *
   * @param message what was cancelled and why
   * @param cause what went wrong while cancelling
   */
  public CancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}
