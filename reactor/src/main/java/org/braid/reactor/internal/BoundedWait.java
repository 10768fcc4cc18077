package org.braid.reactor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.braid.deferred.Deferred;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.ReactorTime;
import org.slf4j.Logger;

/**
 * Waits for a set of Deferreds, optionally no longer than a bound: for the before-triggers of a
 * system event, and for connections flushing at reactor shutdown.
 *
 * <p>A Deferred that fails is logged and counts as done (failures do not abort the wait, as in
 * Twisted's system events). Each Deferred's result is consumed (it becomes {@code null}), so a
 * failure is reported once, here, and not again as unhandled. When the bound expires first, the
 * ones still pending are handed to a handler and the wait is over; they are not cancelled.
 *
 * <p>Reactor thread only.
 *
 * @param <L> what labels each Deferred in logs and in the timeout handler
 */
public final class BoundedWait<L> {
  private final ReactorTime clock;
  private final Logger log;
  private final String what;

  /** Pending Deferreds by label, in the order they were added. */
  private final Map<Object, L> pending = new LinkedHashMap<>();

  /** Fires when the wait is over; {@code null} until {@link #finish} is called. */
  private Deferred<Void> done;

  private DelayedCall timer;

  /**
   * Creates an empty wait.
   *
   * @param clock for the bound's timer
   * @param log where failures and the timeout are logged
   * @param what what is being waited for, for the log, e.g. "before-shutdown triggers"
   */
  public BoundedWait(ReactorTime clock, Logger log, String what) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
    this.what = Objects.requireNonNull(what, "what");
  }

  /**
   * Adds a Deferred to wait for; it may already have fired.
   *
   * @param label what it belongs to
   * @param deferred the Deferred; its result is consumed
   */
  public void add(L label, Deferred<?> deferred) {
    if (done != null && done.isCalled()) {
      throw new IllegalStateException("wait for " + what + " is already over; cannot add " + label);
    }
    Object key = new Object();
    pending.put(key, label);
    deferred.addBoth(
        (value, failure) -> {
          if (failure != null) {
            log.error("{} failed: {}", what, label, failure.value());
          }
          pending.remove(key);
          if (pending.isEmpty()) {
            complete();
          }
          return null;
        });
  }

  /**
   * No more Deferreds will be added: returns a Deferred that fires when all have fired, or when
   * {@code bound} expires, whichever comes first.
   *
   * @param bound the longest wait, or {@code null} for no bound
   * @param onTimeout told which labels are still pending when the bound expires
   * @return fires with {@code null} when the wait is over; never fails
   */
  public Deferred<Void> finish(Duration bound, Consumer<List<L>> onTimeout) {
    if (done != null) {
      throw new IllegalStateException("finish called twice on the wait for " + what);
    }
    done = new Deferred<>();
    if (pending.isEmpty()) {
      done.callback(null);
      return done;
    }
    if (bound != null) {
      timer =
          clock.callLater(
              bound,
              () -> {
                List<L> stragglers = new ArrayList<>(pending.values());
                log.warn(
                    "Gave up waiting for {} after {}: still pending: {}", what, bound, stragglers);
                pending.clear();
                try {
                  onTimeout.accept(stragglers);
                } finally {
                  complete();
                }
              });
    }
    return done;
  }

  private void complete() {
    if (done == null || done.isCalled()) {
      return; // not finished adding yet, or already over (timed out)
    }
    if (timer != null && timer.isActive()) {
      timer.cancel();
    }
    done.callback(null);
  }
}
