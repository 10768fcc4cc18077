package org.braid.deferred;

import java.time.Duration;

/**
 * The one thing the Deferred module knows about time: run a task after a delay, cancellably.
 *
 * <p>The reactor implements it (its {@code callLater}), and so does the manual clock of the
 * reactor's test kit, so {@link Deferred#addTimeout} works unchanged in programs and in
 * deterministic tests.
 *
 * <p>Implementations run the task on their own logical thread (the reactor thread); they define
 * which threads may call {@link #callLater}. For the reactor and the manual clock that is the
 * owning logical thread.
 */
public interface Scheduler {

  /**
   * Schedules {@code task} to run once after {@code delay}.
   *
   * @param delay how long to wait; zero means "as soon as possible", never synchronously
   * @param task what to run
   * @return a handle that can cancel the call while it is still pending
   */
  ScheduledCall callLater(Duration delay, Runnable task);

  /**
   * A pending call made by a {@link Scheduler}.
   *
   * <p>Same thread rules as the scheduler that returned it.
   */
  interface ScheduledCall {
    /**
     * Tells whether the call has neither started running nor been cancelled. It must be {@code
     * false} from the moment the task starts (Twisted marks a {@code DelayedCall} called before
     * running it), so that code running inside the task sees it as no longer cancellable.
     *
     * @return {@code true} while the call is pending
     */
    boolean isActive();

    /**
     * Cancels the pending call so it never runs.
     *
     * @throws IllegalStateException when it already ran or was already cancelled (implementations
     *     throw a subtype saying which); check {@link #isActive()} first when that is racy
     */
    void cancel();
  }
}
