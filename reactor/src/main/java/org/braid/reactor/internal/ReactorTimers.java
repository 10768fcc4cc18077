package org.braid.reactor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.braid.reactor.DelayedCall;

/**
 * The real reactor's timers: {@code callLater}, and the timed-call step of each pass (Twisted's
 * {@code runUntilCurrent}, timed half).
 *
 * <p>One step ({@link #runDue}) runs the calls that were due when it started, in (time, sequence)
 * order. A call scheduled or moved earlier during the step, even with a zero delay, waits for the
 * next step: its sequence number is at least the step's limit. So a callback that schedules {@code
 * callLater(0)} again and again cannot starve I/O and thread calls.
 *
 * <p>Reactor thread only.
 */
public final class ReactorTimers implements TimedCall.Timeline {
  private final TimerHeap heap = new TimerHeap();
  private final LongSupplier nanoTime;
  private final long origin;
  private long nextSequence;

  /**
   * Creates an empty timer set.
   *
   * @param nanoTime the time source, {@code System::nanoTime} in production
   */
  public ReactorTimers(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.origin = nanoTime.getAsLong();
  }

  @Override
  public long nowNanos() {
    return nanoTime.getAsLong() - origin;
  }

  @Override
  public long nextSequence() {
    return nextSequence++;
  }

  /**
   * Schedules {@code task} to run {@code delay} from now.
   *
   * @param delay how long to wait, not negative
   * @param task what to run
   * @return the pending call
   * @throws IllegalArgumentException when the delay is negative
   */
  public TimedCall callLater(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (delay.isNegative()) {
      throw new IllegalArgumentException(
          "callLater delay is negative: " + delay + "; it must be zero or more");
    }
    TimedCall call =
        new TimedCall(this, Nanos.add(nowNanos(), Nanos.of(delay)), nextSequence(), task);
    heap.add(call);
    return call;
  }

  /**
   * Runs, through {@code runner}, every call due now that was scheduled before this step began.
   * The runner must call {@link TimedCall#run()} and isolate what it throws.
   *
   * @param runner runs one call, guarded
   * @return how many calls ran
   */
  public int runDue(Consumer<TimedCall> runner) {
    long now = nowNanos();
    long limit = nextSequence;
    int ran = 0;
    while (true) {
      TimedCall top = heap.peek();
      if (top == null || top.heapNanos > now) {
        return ran;
      }
      if (!top.isActive()) {
        heap.poll(); // cancelled: lazy removal
        continue;
      }
      if (top.heapSequence >= limit) {
        // Scheduled (or moved earlier) during this step: next step. Anything filed behind it
        // that is due now also waits one step, which costs a pass but never a missed call.
        return ran;
      }
      if (TimerHeap.isFiledEarly(top)) {
        heap.refile(top); // moved later: file it under its real time
        continue;
      }
      heap.poll();
      runner.accept(top);
      ran++;
    }
  }

  /**
   * How long the loop may sleep before the next call is due.
   *
   * @return nanoseconds, 0 when a call is due now, or -1 when nothing is scheduled
   */
  public long nanosUntilNext() {
    TimedCall top = heap.peek();
    while (top != null && !top.isActive()) {
      heap.poll();
      top = heap.peek();
    }
    if (top == null) {
      return -1;
    }
    // The key may be earlier than the real due time (a call moved later); waking early to
    // re-file it is harmless.
    return Math.max(0, top.heapNanos - nowNanos());
  }

  /**
   * The calls neither run nor cancelled, in the order they would run.
   *
   * @return a snapshot
   */
  public List<DelayedCall> pending() {
    List<TimedCall> calls = heap.pending();
    calls.sort(TimedCall.DUE_ORDER);
    return new ArrayList<>(calls);
  }

  /**
   * The number of entries in the heap, cancelled ones not yet removed included (for tests of the
   * lazy removal).
   *
   * @return the heap size
   */
  public int heapSize() {
    return heap.size();
  }

  @Override
  public void rescheduling(TimedCall call) {
    // Nothing to do before: the heap keeps the old key until it knows the new one.
  }

  @Override
  public void rescheduled(TimedCall call) {
    if (call.heapIndex >= 0 && TimerHeap.isBeforeKey(call)) {
      heap.moveEarlier(call);
    }
    // Moved later: lazily re-filed when its old key reaches the top (see TimerHeap).
  }

  @Override
  public void cancelled(TimedCall call) {
    heap.cancelled(call);
  }
}
