package org.braid.reactor.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import org.braid.deferred.AlreadyCalledException;
import org.braid.reactor.AlreadyCancelledException;
import org.braid.reactor.DelayedCall;

/**
 * The {@link DelayedCall} of both the real reactor and the manual clock: a runnable, a due time on
 * its timeline's clock, a sequence number that orders calls due at the same time (first scheduled,
 * first run), and its state.
 *
 * <p>Rescheduling ({@link #reset}, {@link #delay}) takes a fresh sequence number: among calls due
 * at the same instant, a rescheduled call runs after those scheduled before it was rescheduled, as
 * if it had been scheduled anew.
 *
 * <p>Reactor thread only (the test thread for a manual clock).
 */
public final class TimedCall implements DelayedCall, Runnable {

  /** Orders calls by due time, then by sequence: the order in which they run. */
  public static final Comparator<TimedCall> DUE_ORDER =
      Comparator.comparingLong(TimedCall::dueNanos).thenComparingLong(TimedCall::sequence);

  /** What a call needs from the clock that owns it. Same thread as the call. */
  public interface Timeline {
    /**
     * The clock's time now.
     *
     * @return nanoseconds on the clock's time line
     */
    long nowNanos();

    /**
     * Hands out the next sequence number; every call returns a larger one.
     *
     * @return a sequence number
     */
    long nextSequence();

    /**
     * {@code call} is about to change its due time or sequence (so a sorted container can take it
     * out first).
     *
     * @param call the call
     */
    void rescheduling(TimedCall call);

    /**
     * {@code call} changed its due time or sequence.
     *
     * @param call the call
     */
    void rescheduled(TimedCall call);

    /**
     * {@code call} was cancelled; it will never run.
     *
     * @param call the call
     */
    void cancelled(TimedCall call);
  }

  /** The life of a call; the transitions are PENDING to CALLED and PENDING to CANCELLED. */
  private enum State {
    /** Waiting for its time. */
    PENDING,
    /** Taken off the timeline to run (set just before the runnable starts). */
    CALLED,
    /** Cancelled before it ran. */
    CANCELLED
  }

  private final Timeline timeline;

  /** What to run; dropped on cancel so a cancelled call waiting for lazy removal holds no closure. */
  private Runnable task;

  /** The task's class, kept for {@link #toString()} once the task is dropped. */
  private Class<?> taskClass;

  private State state = State.PENDING;
  private long dueNanos;
  private long sequence;

  // Bookkeeping owned by TimerHeap: the key the call is filed under in the heap, which lags behind
  // (dueNanos, sequence) when the call was moved later (the heap re-files it lazily), and its slot.
  long heapNanos;
  long heapSequence;
  int heapIndex = -1;

  /**
   * Creates a pending call. Reactor thread.
   *
   * @param timeline the clock that owns it
   * @param dueNanos when it is due, on the clock's time line
   * @param sequence its sequence number from {@link Timeline#nextSequence()}
   * @param task what to run
   */
  public TimedCall(Timeline timeline, long dueNanos, long sequence, Runnable task) {
    this.timeline = Objects.requireNonNull(timeline, "timeline");
    this.task = Objects.requireNonNull(task, "task");
    this.dueNanos = dueNanos;
    this.sequence = sequence;
  }

  /**
   * When the call is due.
   *
   * @return nanoseconds on the clock's time line
   */
  public long dueNanos() {
    return dueNanos;
  }

  /**
   * The call's place among calls due at the same time.
   *
   * @return the sequence number
   */
  public long sequence() {
    return sequence;
  }

  /**
   * Marks the call called, then runs it. Exceptions propagate to the caller (the reactor logs them;
   * the manual clock lets them out of {@code advance}).
   *
   * @throws IllegalStateException when the call is not pending
   */
  public void run() {
    if (state != State.PENDING) {
      throw new IllegalStateException("cannot run a call that is " + state + ": " + this);
    }
    // Called before it runs, so that cancel() from inside the task says "already called"
    // (test_task.py: testAdvanceCancel).
    state = State.CALLED;
    task.run();
  }

  @Override
  public boolean isActive() {
    return state == State.PENDING;
  }

  @Override
  public Duration getTime() {
    return Duration.ofNanos(dueNanos);
  }

  @Override
  public void cancel() {
    checkPending("cancel");
    state = State.CANCELLED;
    taskClass = task.getClass();
    task = null;
    timeline.cancelled(this);
  }

  @Override
  public void reset(Duration fromNow) {
    Objects.requireNonNull(fromNow, "fromNow");
    checkPending("reset");
    if (fromNow.isNegative()) {
      throw new IllegalArgumentException(
          "reset delay is negative: " + fromNow + "; it must be zero or more");
    }
    moveTo(Nanos.add(timeline.nowNanos(), Nanos.of(fromNow)));
  }

  @Override
  public void delay(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    checkPending("delay");
    moveTo(Nanos.add(dueNanos, Nanos.of(amount)));
  }

  private void moveTo(long newDueNanos) {
    timeline.rescheduling(this);
    dueNanos = newDueNanos;
    sequence = timeline.nextSequence();
    timeline.rescheduled(this);
  }

  private void checkPending(String operation) {
    switch (state) {
      case PENDING -> {}
      case CALLED ->
          throw new AlreadyCalledException(
              "Tried to " + operation + " an already-called event: " + this);
      case CANCELLED ->
          throw new AlreadyCancelledException(
              "Tried to " + operation + " an already-cancelled event: " + this);
    }
  }

  /**
   * Shows the state, the due time (and how far it is from now) and the task, e.g. {@code
   * DelayedCall[pending, due 12.000s (in 1.500s): Heartbeat@1b6d3586]}. Never throws.
   */
  @Override
  public String toString() {
    long now = timeline.nowNanos();
    String when =
        state == State.PENDING
            ? "due " + Nanos.format(dueNanos) + " (in " + Nanos.format(dueNanos - now) + ")"
            : "was due " + Nanos.format(dueNanos);
    return "DelayedCall["
        + state.name().toLowerCase(Locale.ROOT)
        + ", "
        + when
        + ": "
        + describeTask()
        + "]";
  }

  private String describeTask() {
    if (task == null) {
      return taskClass.getName();
    }
    try {
      return String.valueOf(task);
    } catch (RuntimeException brokenToString) {
      // toString() of a DelayedCall must never throw, whatever the task does.
      return task.getClass().getName() + " (toString threw " + brokenToString + ")";
    }
  }
}
