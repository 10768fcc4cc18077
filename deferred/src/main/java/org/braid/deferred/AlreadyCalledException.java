package org.braid.deferred;

/**
 * Thrown when a {@link Deferred} is fired a second time: {@code callback} or {@code errback} after
 * either of them already ran.
 *
 * <p>It is a programming error, so it is unchecked. In debug mode ({@link
 * Deferred#setDebugging(boolean)}) the message shows where the Deferred was created and where it
 * was first fired. Producers that race (a timeout against a reply, say) should use {@link
 * Deferred#tryCallback} instead of catching this. Thread-safe (immutable).
 */
public class AlreadyCalledException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what was fired twice and, in debug mode, where it was created and first fired
   */
  public AlreadyCalledException(String message) {
    super(message);
  }
}
