package org.braid.reactor.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.braid.deferred.AlreadyCalledException;
import org.braid.reactor.AlreadyCancelledException;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.ReactorTime;

/**
 * A minimal deterministic {@link ReactorTime} for this module's networking tests (Twisted's {@code
 * task.Clock}): time moves only in {@link #advance}. Test-only stand-in until the reactor
 * helper's {@code ManualClock} is merged; the tests use nothing beyond {@link ReactorTime} and
 * {@link #advance}, so switching is a rename.
 */
public final class TestClock implements ReactorTime {
  private Duration now = Duration.ZERO;
  private long sequence;
  private final List<Call> calls = new ArrayList<>();

  @Override
  public Duration now() {
    return now;
  }

  @Override
  public DelayedCall callLater(Duration delay, Runnable call) {
    Objects.requireNonNull(call, "call");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    Call scheduled = new Call(now.plus(delay), sequence++, call);
    calls.add(scheduled);
    return scheduled;
  }

  @Override
  public List<DelayedCall> getDelayedCalls() {
    return List.copyOf(calls);
  }

  /**
   * Moves time forward and runs every call that is due, in time order, including calls that
   * become due while it runs.
   *
   * @param amount how far, not negative
   */
  public void advance(Duration amount) {
    now = now.plus(amount);
    while (true) {
      Call next =
          calls.stream()
              .filter(c -> c.time.compareTo(now) <= 0)
              .min(Comparator.comparing((Call c) -> c.time).thenComparingLong(c -> c.sequence))
              .orElse(null);
      if (next == null) {
        return;
      }
      calls.remove(next);
      next.called = true;
      next.runnable.run();
    }
  }

  private final class Call implements DelayedCall {
    private Duration time;
    private final long sequence;
    private final Runnable runnable;
    private boolean called;
    private boolean cancelled;

    Call(Duration time, long sequence, Runnable runnable) {
      this.time = time;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public Duration getTime() {
      return time;
    }

    @Override
    public boolean isActive() {
      return !called && !cancelled;
    }

    @Override
    public void cancel() {
      check();
      cancelled = true;
      calls.remove(this);
    }

    @Override
    public void reset(Duration fromNow) {
      check();
      time = now.plus(fromNow);
    }

    @Override
    public void delay(Duration amount) {
      check();
      time = time.plus(amount);
    }

    private void check() {
      if (called) {
        throw new AlreadyCalledException("Tried to cancel an already-called event.");
      }
      if (cancelled) {
        throw new AlreadyCancelledException("Tried to cancel an already-cancelled event.");
      }
    }
  }
}
