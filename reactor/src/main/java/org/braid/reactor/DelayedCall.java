package org.braid.reactor;

import java.time.Duration;
import org.braid.deferred.Scheduler;

/**
 * A call scheduled by {@link ReactorTime#callLater} (Twisted's {@code IDelayedCall}).
 *
 * <p>{@link #isActive()} is false once the call has run (it is marked called just before it runs,
 * so cancelling it from inside itself throws) or has been cancelled. Rescheduling ({@link #reset},
 * {@link #delay}) counts as scheduling anew: among calls due at the same time, it then runs after
 * those scheduled before the reschedule. {@code toString()} shows the state, the due time and the
 * task. Reactor thread only.
 */
public interface DelayedCall extends Scheduler.ScheduledCall {

  /**
   * When the call is due, on its clock's time line.
   *
   * @return the due time
   */
  Duration getTime();

  /**
   * Cancels the call.
   *
   * @throws org.braid.deferred.AlreadyCalledException when it already ran ("Tried to cancel an
   *     already-called event.")
   * @throws AlreadyCancelledException when it was already cancelled
   */
  @Override
  void cancel();

  /**
   * Reschedules the call to run {@code fromNow} from now.
   *
   * @param fromNow the new delay from now, not negative
   * @throws org.braid.deferred.AlreadyCalledException when it already ran
   * @throws AlreadyCancelledException when it was cancelled
   * @throws IllegalArgumentException when {@code fromNow} is negative
   */
  void reset(Duration fromNow);

  /**
   * Moves the call later (or earlier, for a negative amount) by {@code amount}.
   *
   * @param amount how much to add to the due time
   * @throws org.braid.deferred.AlreadyCalledException when it already ran
   * @throws AlreadyCancelledException when it was cancelled
   */
  void delay(Duration amount);
}
