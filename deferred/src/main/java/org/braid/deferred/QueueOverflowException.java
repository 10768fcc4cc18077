package org.braid.deferred;

/**
 * Thrown by {@link DeferredQueue#put} when no getter is waiting and the queue already holds its
 * size limit of items (Twisted's {@code QueueOverflow}).
 *
 * <p>It is an {@link IllegalStateException}, as {@link java.util.Queue#add} throws for a full
 * queue: putting into a full queue is the caller's mistake to prevent (check {@link
 * DeferredQueue#pending()}, or give the queue room), not an outcome every caller of an unbounded
 * queue should have to catch. Thread-safe (immutable).
 */
public final class QueueOverflowException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message the broken condition, the number of items pending and the size limit
   */
  public QueueOverflowException(String message) {
    super(message);
  }
}
