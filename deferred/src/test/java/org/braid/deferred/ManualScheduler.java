package org.braid.deferred;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance(Duration)}: the
 * deterministic clock the Deferred tests drive timeouts with (Twisted's {@code task.Clock}).
 *
 * <p>Calls run in order of their due time, and calls due at the same time in the order they were
 * scheduled. A call is due when the clock has reached its time, so a timeout of 10 s fires on an
 * advance that reaches exactly 10 s. This is a test double for the Deferred module only; the
 * reactor module provides the real manual clock. Called from the test thread only.
 */
final class ManualScheduler implements Scheduler {
  private Duration now = Duration.ZERO;
  private long nextSequence;
  private final List<Call> pending = new ArrayList<>();

  /** A call scheduled on this clock, pending until it runs or is cancelled. */
  final class Call implements ScheduledCall {
    private final Duration due;
    private final long sequence;
    private final Runnable task;
    private boolean ran;
    private boolean cancelled;

    private Call(Duration due, long sequence, Runnable task) {
      this.due = due;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public boolean isActive() {
      return !ran && !cancelled;
    }

    @Override
    public void cancel() {
      if (ran) {
        throw new IllegalStateException("call due at " + due + " already ran; now is " + now);
      }
      if (cancelled) {
        throw new IllegalStateException("call due at " + due + " was already cancelled");
      }
      cancelled = true;
      pending.remove(this);
    }
  }

  @Override
  public ScheduledCall callLater(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0: " + delay);
    }
    Call call = new Call(now.plus(delay), nextSequence++, task);
    pending.add(call);
    return call;
  }

  /**
   * Moves the clock forward by {@code amount}, running every call that falls due, in due order.
   *
   * @param amount how far to move; not negative
   */
  void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount < 0: " + amount);
    }
    Duration target = now.plus(amount);
    while (true) {
      Call next =
          pending.stream()
              .filter(c -> c.due.compareTo(target) <= 0)
              .min(Comparator.comparing((Call c) -> c.due).thenComparingLong(c -> c.sequence))
              .orElse(null);
      if (next == null) {
        break;
      }
      pending.remove(next);
      now = next.due;
      next.ran = true;
      next.task.run();
    }
    now = target;
  }

  /** How many calls are still waiting to run. */
  int pendingCount() {
    return pending.size();
  }

  /** The time elapsed since the clock was created. */
  Duration now() {
    return now;
  }
}
