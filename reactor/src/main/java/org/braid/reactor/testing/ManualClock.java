package org.braid.reactor.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.internal.Nanos;
import org.braid.reactor.internal.TimedCall;

/**
 * A clock that moves only when the test says so (Twisted's {@code task.Clock}): inject it where
 * code expects a {@link ReactorTime} (a {@code LoopingCall}, {@code Deferred.addTimeout}, a
 * protocol's idle timeout) and drive time with {@link #advance}.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * Deferred<String> d = client.get("k").addTimeout(Duration.ofSeconds(5), clock);
 * clock.advance(Duration.ofSeconds(5));
 * failureResultOf(d, TimeoutException.class);
 * }</pre>
 *
 * <ul>
 *   <li>Time starts at zero and moves only in {@link #advance} and {@link #pump}.
 *   <li>{@code advance} first sets the time to its end, then runs every call due by then, earliest
 *       first; calls due at the same time run in the order they were scheduled (or last
 *       rescheduled). So each call sees {@link #now()} at the end of the jump, never an
 *       intermediate instant (test_task.py: testAdvance).
 *   <li>A call scheduled during {@code advance} that is already due (a zero delay) runs in the same
 *       {@code advance}. One that keeps rescheduling itself with a zero delay would loop forever
 *       (Twisted's issue #5962); after {@value #MAX_RUNS_SCHEDULED_DURING_ADVANCE} such runs
 *       {@code advance} throws instead.
 *   <li>An exception thrown by a call propagates out of {@code advance}, so the test sees it; the
 *       calls not yet run stay scheduled.
 *   <li>A negative delay is rejected, as by the real reactor.
 * </ul>
 *
 * <p>Not thread-safe: the test thread plays the reactor thread.
 */
public final class ManualClock implements ReactorTime {

  /** How many calls scheduled during one {@link #advance} may run in it before it gives up. */
  public static final int MAX_RUNS_SCHEDULED_DURING_ADVANCE = 100_000;

  private final TreeSet<TimedCall> calls = new TreeSet<>(TimedCall.DUE_ORDER);
  private long nowNanos;
  private long nextSequence;

  /** Creates a clock at time zero with nothing scheduled. */
  public ManualClock() {}

  /** The clock's time: zero plus every amount advanced so far. */
  @Override
  public Duration now() {
    return Duration.ofNanos(nowNanos);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code delay} is negative
   */
  @Override
  public DelayedCall callLater(Duration delay, Runnable call) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(call, "call");
    if (delay.isNegative()) {
      throw new IllegalArgumentException(
          "callLater delay is negative: " + delay + "; it must be zero or more");
    }
    TimedCall timed =
        new TimedCall(timeline, Nanos.add(nowNanos, Nanos.of(delay)), nextSequence++, call);
    calls.add(timed);
    return timed;
  }

  /** The pending calls, in the order they will run. */
  @Override
  public List<DelayedCall> getDelayedCalls() {
    return new ArrayList<>(calls);
  }

  /**
   * Moves time forward by {@code amount}, then runs every call due by the new time.
   *
   * @param amount how far to move, zero or more ({@code Duration.ZERO} runs what is due now)
   * @throws IllegalArgumentException when {@code amount} is negative
   * @throws IllegalStateException when calls scheduled during this advance keep it from ending
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "advance amount is negative: " + amount + "; time only moves forward");
    }
    nowNanos = Nanos.add(nowNanos, Nanos.of(amount));
    long scheduledBefore = nextSequence;
    int lateRuns = 0;
    while (!calls.isEmpty() && calls.first().dueNanos() <= nowNanos) {
      TimedCall next = calls.pollFirst();
      if (next.sequence() >= scheduledBefore
          && ++lateRuns > MAX_RUNS_SCHEDULED_DURING_ADVANCE) {
        calls.add(next);
        throw new IllegalStateException(
            "advance("
                + amount
                + ") ran "
                + MAX_RUNS_SCHEDULED_DURING_ADVANCE
                + " calls scheduled during the same advance without time moving; a call that"
                + " reschedules itself with no delay never lets it end (Twisted #5962). Last: "
                + next);
      }
      next.run();
    }
  }

  /**
   * Advances by each amount in turn (Twisted's {@code Clock.pump}).
   *
   * @param amounts the steps
   */
  public void pump(Duration... amounts) {
    for (Duration amount : amounts) {
      advance(amount);
    }
  }

  /** What this clock's calls see of it; a separate object so the internal type stays internal. */
  private final TimedCall.Timeline timeline =
      new TimedCall.Timeline() {
        @Override
        public long nowNanos() {
          return nowNanos;
        }

        @Override
        public long nextSequence() {
          return nextSequence++;
        }

        @Override
        public void rescheduling(TimedCall call) {
          // A TreeSet finds an element by its key: take it out before the key changes.
          calls.remove(call);
        }

        @Override
        public void rescheduled(TimedCall call) {
          calls.add(call);
        }

        @Override
        public void cancelled(TimedCall call) {
          calls.remove(call);
        }
      };

  /** Shows the time and the number of pending calls, e.g. {@code ManualClock[at 1.500s, 2 pending]}. */
  @Override
  public String toString() {
    return "ManualClock[at " + Nanos.format(nowNanos) + ", " + calls.size() + " pending]";
  }
}
