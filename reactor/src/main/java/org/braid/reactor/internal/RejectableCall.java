package org.braid.reactor.internal;

/**
 * A call queued with {@code callFromThread} that wants to know when it will never run because the
 * reactor stopped first, e.g. to release a thread blocked in {@code blockingCallFromThread}
 * instead of letting it hang (Twisted's issue #10124).
 *
 * <p>{@link #run()} is called on the reactor thread; {@link #rejected()} on whichever thread
 * notices the reactor has stopped (the reactor thread, or the thread that queued the call).
 */
public interface RejectableCall extends Runnable {
  /** The reactor stopped before this call could run; it never will. Must not throw. */
  void rejected();
}
