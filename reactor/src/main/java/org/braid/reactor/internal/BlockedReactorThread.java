package org.braid.reactor.internal;

/**
 * Carries the reactor thread's stack, captured while a callback blocked it, into the slow-callback
 * warning's log entry. Never thrown. Thread-safe (immutable once logged).
 */
public final class BlockedReactorThread extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the carrier.
   *
   * @param message whose stack it is
   * @param stack the reactor thread's stack at detection
   */
  public BlockedReactorThread(String message, StackTraceElement[] stack) {
    super(message, null, false, true);
    setStackTrace(stack);
  }
}
