package org.braid.reactor;

/**
 * Thrown when a {@link DelayedCall} that was already cancelled is cancelled, reset or delayed.
 * Thread-safe (immutable).
 */
public class AlreadyCancelledException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what was attempted on which call
   */
  public AlreadyCancelledException(String message) {
    super(message);
  }
}
