package org.braid.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.deferred.Scheduler;

/**
 * A clock that runs calls later: the reactor, or a {@link org.braid.reactor.testing.ManualClock}
 * in tests (Twisted's {@code IReactorTime}).
 *
 * <p>Calls due at the same time run in the order they were scheduled. A call that throws is logged
 * by the reactor and the loop goes on (a manual clock lets the exception out of {@code advance}, so
 * tests see it). Reactor thread only.
 */
public interface ReactorTime extends Scheduler {

  /**
   * The current time of this clock: monotonic, since an arbitrary origin.
   *
   * @return the time now
   */
  Duration now();

  /**
   * Schedules {@code call} to run once, {@code delay} from now; never synchronously, even for a
   * zero delay.
   *
   * @param delay how long to wait, not negative
   * @param call what to run
   * @return the pending call, which can be cancelled, reset or delayed
   * @throws IllegalArgumentException when {@code delay} is negative
   */
  @Override
  DelayedCall callLater(Duration delay, Runnable call);

  /**
   * The calls that are still pending (neither run nor cancelled), in no particular order.
   *
   * @return a snapshot
   */
  List<DelayedCall> getDelayedCalls();

  /**
   * Returns a Deferred that fires, {@code delay} from now, with what {@code callable} returns (or
   * fails with what it throws); cancelling it before then cancels the timer and the callable never
   * runs (Twisted's {@code deferLater}).
   *
   * @param delay how long to wait
   * @param callable what to run then; may return a Deferred, which is chained
   * @param <T> the result type
   * @return a cancellable Deferred of the callable's result
   */
  default <T> Deferred<T> deferLater(Duration delay, Callable<? extends T> callable) {
    DelayedCall[] timer = new DelayedCall[1];
    Deferred<Void> d =
        new Deferred<>(
            cancelled -> {
              if (timer[0].isActive()) {
                timer[0].cancel();
              }
            });
    timer[0] = callLater(delay, () -> d.callback(null));
    return d.addCallbackDeferring(ignored -> Deferred.maybeDeferred(callable));
  }

  /**
   * A Deferred that fires with {@code null} after {@code delay}: {@code await(clock.sleep(d))} in
   * inline code.
   *
   * @param delay how long to wait
   * @return a cancellable Deferred
   */
  default Deferred<Void> sleep(Duration delay) {
    return deferLater(delay, () -> null);
  }
}
