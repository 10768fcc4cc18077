package org.braid.deferred;

/**
 * Thrown by {@link DeferredQueue#get} when the queue is empty and as many getters as its backlog
 * limit already wait (Twisted's {@code QueueUnderflow}).
 *
 * <p>It is an {@link IllegalStateException}, as {@link java.util.Queue#add} throws for a full
 * queue: too many waiting gets is the caller's mistake to prevent (check {@link
 * DeferredQueue#waiting()}, or allow a larger backlog), not an outcome every caller of an
 * unbounded queue should have to catch. Thread-safe (immutable).
 */
public final class QueueUnderflowException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message the broken condition, the number of gets waiting and the backlog limit
   */
  public QueueUnderflowException(String message) {
    super(message);
  }
}
