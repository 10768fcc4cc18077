package org.braid.reactor;

/**
 * A blocking wait was attempted on the reactor thread, where it would deadlock: the thread would
 * wait for work that only it can do (Netty's {@code BlockingOperationException}). Thrown at once,
 * instead of hanging, by {@link Threads#blockingCallFromThread} and other blocking helpers; the
 * message says what to do instead.
 *
 * <p>Thread-safe (immutable).
 */
public class BlockingOperationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what was refused, why, and what to do instead
   */
  public BlockingOperationException(String message) {
    super(message);
  }
}
