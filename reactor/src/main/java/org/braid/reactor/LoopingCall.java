package org.braid.reactor;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.internal.Nanos;

/**
 * Calls a function repeatedly, every interval, on a clock (Twisted's {@code task.LoopingCall}).
 *
 * <pre>{@code
 * LoopingCall heartbeat = LoopingCall.of(reactor, () -> transport.write(PING));
 * heartbeat.start(Duration.ofSeconds(30))          // runs now, then every 30 s
 *     .addErrback(f -> { log.warn("heartbeat died", f.value()); return null; });
 * ...
 * heartbeat.stop();                                 // the Deferred fires with the LoopingCall
 * }</pre>
 *
 * <ul>
 *   <li>Runs stay on the grid {@code start + k * interval}. When a run (or the reactor) is late,
 *       the grid points already past, and the one equal to now, are skipped: no burst of catch-up
 *       runs. {@link #withCount} tells the function how many grid points passed.
 *   <li>A function that returns a Deferred is waited for: the next run is scheduled only once it
 *       has fired, so runs never overlap.
 *   <li>A function that throws, or whose Deferred fails, stops the loop: the Deferred returned by
 *       {@link #start} fails with that exception.
 *   <li>{@link #stop()} cancels the scheduled run; the start Deferred then fires with this
 *       LoopingCall, at once, or when the run in progress (or its Deferred) completes.
 * </ul>
 *
 * <p>Intervals are {@link Duration}s in integer nanoseconds, so there is none of Twisted's
 * floating-point drift on the grid. Reactor thread only (the test thread with a manual clock).
 */
public final class LoopingCall {

  /**
   * The loop's life. Transitions: IDLE to CALLING ({@code start(now=true)}) or SCHEDULED ({@code
   * start(now=false)}); SCHEDULED to CALLING (the timer fires); CALLING to SCHEDULED (the run
   * completed); CALLING to STOP_PENDING ({@code stop()} during a run); SCHEDULED, CALLING or
   * STOP_PENDING to IDLE (stopped or failed; the start Deferred fires).
   */
  private enum State {
    /** Not started, or stopped, or died. */
    IDLE,
    /** Waiting for the next run's timer ({@link #call} is set). */
    SCHEDULED,
    /** The function, or the Deferred it returned, is running. */
    CALLING,
    /** {@code stop()} was called during a run; the start Deferred fires when the run ends. */
    STOP_PENDING
  }

  private final ReactorTime clock;
  private final Callable<?> function;
  private final Object description;
  private final IntFunction<?> countedFunction;

  /** What the timer runs; shows this loop in the DelayedCall's {@code toString()}. */
  private final Runnable tick =
      new Runnable() {
        @Override
        public void run() {
          runOnce();
        }

        @Override
        public String toString() {
          return LoopingCall.this.toString();
        }
      };

  private State state = State.IDLE;

  /** Set by {@link #start} and {@link #setInterval}; {@code null} before. */
  private Duration interval;

  private long intervalNanos;
  private long startNanos;
  private boolean runAtStart;
  private DelayedCall call;

  /** Fires when the current run of the loop ends; taken out of the field before firing. */
  private Deferred<LoopingCall> whenStopped;

  /** For {@link #withCount}: when the count was last reported, or {@code null} in a new run. */
  private Long lastCountNanos;

  private LoopingCall(
      ReactorTime clock, Callable<?> function, IntFunction<?> countedFunction, Object description) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.function = function;
    this.countedFunction = countedFunction;
    this.description = description;
  }

  /**
   * A loop that runs {@code task}.
   *
   * @param clock the reactor, or a manual clock in tests
   * @param task what to run each time
   * @return a loop that has not started
   */
  public static LoopingCall of(ReactorTime clock, Runnable task) {
    Objects.requireNonNull(task, "task");
    return new LoopingCall(
        clock,
        () -> {
          task.run();
          return null;
        },
        null,
        task);
  }

  /**
   * A loop whose function may return a Deferred, which is waited for before the next run is
   * scheduled; a failed Deferred stops the loop.
   *
   * @param clock the reactor, or a manual clock in tests
   * @param task returns a Deferred, or {@code null} when it finished synchronously
   * @return a loop that has not started
   */
  public static LoopingCall deferring(ReactorTime clock, Callable<? extends Deferred<?>> task) {
    Objects.requireNonNull(task, "task");
    return new LoopingCall(clock, task, null, task);
  }

  /**
   * A loop that tells its function how many intervals passed since it last ran (Twisted's {@code
   * LoopingCall.withCount}): normally 1, more when runs were skipped because the reactor, the
   * function or its Deferred was late. Intervals are counted on the grid, so a run at 2.75
   * intervals after the previous one at 1 still counts 1. The function is not called when the
   * count is 0. With a zero interval the count is always 1.
   *
   * @param clock the reactor, or a manual clock in tests
   * @param task receives the count, at least 1
   * @return a loop that has not started
   */
  public static LoopingCall withCount(ReactorTime clock, IntConsumer task) {
    Objects.requireNonNull(task, "task");
    return new LoopingCall(
        clock,
        null,
        count -> {
          task.accept(count);
          return null;
        },
        task);
  }

  /**
   * {@link #withCount(ReactorTime, IntConsumer)} for a function that returns a Deferred, which is
   * waited for; the counts then include the intervals spent waiting.
   *
   * @param clock the reactor, or a manual clock in tests
   * @param task receives the count; returns a Deferred or {@code null}
   * @return a loop that has not started
   */
  public static LoopingCall withCountDeferring(
      ReactorTime clock, IntFunction<? extends Deferred<?>> task) {
    Objects.requireNonNull(task, "task");
    return new LoopingCall(clock, null, task, task);
  }

  /**
   * Starts the loop and runs the function now (before this method returns).
   *
   * @param interval the time between runs, zero or more
   * @return fires with this LoopingCall when {@link #stop()} ends the loop, or fails with what the
   *     function threw; already fired when the first run failed
   * @throws IllegalStateException when the loop is running, or stopped but still waiting for its
   *     last run's Deferred
   * @throws IllegalArgumentException when the interval is negative
   */
  public Deferred<LoopingCall> start(Duration interval) {
    return start(interval, true);
  }

  /**
   * Starts the loop.
   *
   * @param interval the time between runs, zero or more
   * @param now run the function now (before this method returns); otherwise the first run is one
   *     interval from now
   * @return fires with this LoopingCall when {@link #stop()} ends the loop, or fails with what the
   *     function threw
   * @throws IllegalStateException when the loop is running, or stopped but still waiting for its
   *     last run's Deferred (restarting then would make two runs overlap)
   * @throws IllegalArgumentException when the interval is negative
   */
  public Deferred<LoopingCall> start(Duration interval, boolean now) {
    Objects.requireNonNull(interval, "interval");
    switch (state) {
      case IDLE -> {}
      case SCHEDULED, CALLING ->
          throw new IllegalStateException("Tried to start an already running LoopingCall: " + this);
      case STOP_PENDING ->
          throw new IllegalStateException(
              "Tried to start a LoopingCall whose last run is still in progress after stop(): "
                  + this
                  + "; start it again when the Deferred returned by the previous start() fires");
    }
    if (interval.isNegative()) {
      throw new IllegalArgumentException(
          "LoopingCall interval is negative: " + interval + "; it must be zero or more");
    }
    Deferred<LoopingCall> stopped = new Deferred<>();
    whenStopped = stopped;
    this.interval = interval;
    intervalNanos = Nanos.of(interval);
    startNanos = nowNanos();
    runAtStart = now;
    lastCountNanos = null;
    if (now) {
      runOnce();
    } else {
      scheduleFrom(startNanos);
    }
    return stopped;
  }

  /**
   * Stops the loop. When a run is scheduled, it is cancelled and the start Deferred fires with this
   * LoopingCall before this method returns; when called during a run (from the function, or while
   * its Deferred is pending), the start Deferred fires when that run ends. A pending Deferred
   * returned by the function is not cancelled.
   *
   * @throws IllegalStateException "Tried to stop a LoopingCall that was not running" when it is
   *     not running; check {@link #isRunning()} first when the loop may have died on an error
   */
  public void stop() {
    switch (state) {
      case SCHEDULED -> {
        DelayedCall scheduled = call;
        call = null;
        scheduled.cancel();
        state = State.IDLE;
        fireStopped();
      }
      case CALLING -> state = State.STOP_PENDING;
      case IDLE, STOP_PENDING ->
          throw new IllegalStateException(
              "Tried to stop a LoopingCall that was not running: " + this);
    }
  }

  /**
   * Skips the scheduled run and restarts the grid from now: the next run is one full interval from
   * now. No effect while a run (or its Deferred) is in progress.
   *
   * @throws IllegalStateException when the loop is not running
   */
  public void reset() {
    switch (state) {
      case SCHEDULED -> {
        DelayedCall scheduled = call;
        call = null;
        scheduled.cancel();
        startNanos = nowNanos();
        scheduleFrom(startNanos);
      }
      case CALLING -> {}
      case IDLE, STOP_PENDING ->
          throw new IllegalStateException(
              "Tried to reset a LoopingCall that was not running: " + this);
    }
  }

  /**
   * Tells whether the loop runs: started, and neither stopped nor dead on an error. False already
   * when the start Deferred fires.
   *
   * @return whether {@link #stop()} would succeed
   */
  public boolean isRunning() {
    return state == State.SCHEDULED || state == State.CALLING;
  }

  /**
   * The interval, or {@code null} before the first {@link #start}.
   *
   * @return the time between runs
   */
  public Duration interval() {
    return interval;
  }

  /**
   * Changes the interval; it takes effect when the next run is scheduled (the run already
   * scheduled keeps its time).
   *
   * @param interval the new interval, zero or more
   */
  public void setInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException(
          "LoopingCall interval is negative: " + interval + "; it must be zero or more");
    }
    this.interval = interval;
    intervalNanos = Nanos.of(interval);
  }

  private long nowNanos() {
    return Nanos.of(clock.now());
  }

  /** One run: call the function, then schedule the next run or end the loop. */
  private void runOnce() {
    call = null;
    state = State.CALLING;
    Deferred<?> outcome = Deferred.maybeDeferred(countedFunction != null ? this::callCounted : function);
    outcome.addCallbacks(
        ignored -> {
          runSucceeded();
          return null;
        },
        failure -> {
          runFailed(failure);
          return null;
        });
  }

  private Object callCounted() {
    long now = nowNanos();
    if (intervalNanos == 0) {
      lastCountNanos = now;
      return countedFunction.apply(1);
    }
    long last;
    if (lastCountNanos != null) {
      last = lastCountNanos;
    } else {
      // Started with a run now: that run counts as one interval (test_task.py:
      // test_reactorTimeCountSkips, first count is 1).
      last = runAtStart ? startNanos - intervalNanos : startNanos;
    }
    long count = intervalIndex(now) - intervalIndex(last);
    if (count <= 0) {
      return null;
    }
    lastCountNanos = now;
    return countedFunction.apply((int) Math.min(count, Integer.MAX_VALUE));
  }

  private long intervalIndex(long time) {
    return Math.floorDiv(time - startNanos, intervalNanos);
  }

  private void runSucceeded() {
    switch (state) {
      case CALLING -> scheduleFrom(nowNanos());
      case STOP_PENDING -> {
        state = State.IDLE;
        fireStopped();
      }
      case IDLE, SCHEDULED ->
          throw new IllegalStateException("LoopingCall run completed in state " + state + ": " + this);
    }
  }

  private void runFailed(Failure failure) {
    state = State.IDLE;
    Deferred<LoopingCall> d = whenStopped;
    whenStopped = null;
    d.errback(failure);
  }

  private void fireStopped() {
    Deferred<LoopingCall> d = whenStopped;
    whenStopped = null;
    d.callback(this);
  }

  /**
   * Schedules the next run at the first grid point strictly after {@code when} (test_task.py:
   * test_callbackTimeSkips, test_reactorTimeSkips).
   */
  private void scheduleFrom(long when) {
    long delay;
    if (intervalNanos == 0) {
      delay = 0;
    } else {
      delay = intervalNanos - Math.floorMod(when - startNanos, intervalNanos);
    }
    state = State.SCHEDULED;
    call = clock.callLater(Duration.ofNanos(delay), tick);
  }

  /**
   * Shows the interval, the state and the function, e.g. {@code LoopingCall[PT30S, scheduled:
   * Heartbeat@1b6d3586]}.
   */
  @Override
  public String toString() {
    return "LoopingCall["
        + interval
        + ", "
        + state.name().toLowerCase(Locale.ROOT)
        + ": "
        + description
        + "]";
  }
}
