package org.braid.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.internal.CallbackGuard;
import org.braid.reactor.internal.ReactorTimers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * The reactor's timers in bulk: {@value #SCHEDULED} {@code callLater}s scheduled and cancelled, and
 * {@value #DUE} calls that are all due at once fired in one step. Scores are per call.
 *
 * <ul>
 *   <li>{@code scheduleAndCancel}: on a {@link SelectorReactor} itself (its {@code callLater} is
 *       the timer heap's, with no thread hop; the loop need not run to schedule or cancel). The
 *       delays cycle through 1,024 distinct values between 1 ms and about 60 s, so the heap
 *       really orders them; all are cancelled, oldest first, and the heap drops cancelled entries
 *       lazily (compacting once more than half of it is cancelled), which is counted.
 *   <li>{@code fireDue}: a {@link SelectorReactor} fires its due calls from inside its loop, on
 *       the real clock, which a benchmark cannot stop at "all due now". So this runs the loop's
 *       own timer step as the loop runs it: {@link ReactorTimers#runDue} with each call guarded by
 *       a {@link CallbackGuard}, exactly the {@code timers.runDue(call -> guard.run(...))} of
 *       {@code SelectorReactor.pass()}, on a {@code ReactorTimers} whose clock is a field the
 *       benchmark moves past every call. The {@value #DUE} calls (due over 100 ms, in scrambled
 *       order) are scheduled before each operation, outside the measurement.
 * </ul>
 *
 * <p>JMH state, one instance per benchmark thread, which is the reactor's (only) thread here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimerBenchmark {
  /** Calls scheduled and cancelled per operation of {@link #scheduleAndCancel}. */
  static final int SCHEDULED = 1_000_000;

  /** Calls fired per operation of {@link #fireDue}. */
  static final int DUE = 100_000;

  private static final Duration[] DELAYS = new Duration[1024];

  static {
    for (int i = 0; i < DELAYS.length; i++) {
      // 1 ms .. ~60 s, in an order that is not sorted (odd multiplier, mod 2^10).
      DELAYS[i] = Duration.ofMillis(1 + ((i * 613L) & 1023) * 58);
    }
  }

  private final DelayedCall[] calls = new DelayedCall[SCHEDULED];
  private SelectorReactor reactor;

  /** How many timed calls ran; the calls' only effect. */
  int fired;

  private final Runnable task = () -> fired++;

  /** The timer step of a reactor loop, on a clock the benchmark sets. */
  private ReactorTimers dueTimers;

  private long clockNanos;
  private final CallbackGuard guard =
      new CallbackGuard(LoggerFactory.getLogger(TimerBenchmark.class), null);

  /** Creates the reactor; it is never run, so it needs no thread. */
  @Setup(Level.Trial)
  public void createReactor() {
    reactor = new SelectorReactor();
  }

  /**
   * Checks that the reactor's timers are empty again (every operation cancels all it scheduled),
   * then runs the reactor through an immediate stop so it closes its selector.
   *
   * @throws IllegalStateException when a call is still pending
   */
  @TearDown(Level.Trial)
  public void checkReactorEmptyAndClose() {
    int left = reactor.getDelayedCalls().size();
    reactor.callWhenRunning(reactor::stop);
    reactor.run();
    if (left != 0) {
      throw new IllegalStateException(left + " timed calls still pending; expected 0");
    }
  }

  /**
   * Schedules {@value #SCHEDULED} calls and cancels them all.
   *
   * @return how many calls were cancelled
   */
  @Benchmark
  @OperationsPerInvocation(SCHEDULED)
  public int scheduleAndCancel() {
    DelayedCall[] c = calls;
    for (int i = 0; i < SCHEDULED; i++) {
      c[i] = reactor.callLater(DELAYS[i & 1023], task);
    }
    int cancelled = 0;
    for (int i = 0; i < SCHEDULED; i++) {
      if (c[i].isActive()) {
        c[i].cancel();
        cancelled++;
      }
      c[i] = null;
    }
    return cancelled;
  }

  /** Schedules the {@value #DUE} calls that the next {@link #fireDue} fires. */
  @Setup(Level.Invocation)
  public void scheduleDue() {
    clockNanos = 0;
    dueTimers = new ReactorTimers(() -> clockNanos);
    for (int i = 0; i < DUE; i++) {
      dueTimers.callLater(Duration.ofNanos(((i * 7919L) % DUE) * 1000), task);
    }
    clockNanos = TimeUnit.SECONDS.toNanos(1);
    fired = 0;
  }

  /**
   * Fires {@value #DUE} due calls in one timer step.
   *
   * @return how many ran
   */
  @Benchmark
  @OperationsPerInvocation(DUE)
  public int fireDue() {
    dueTimers.runDue(call -> guard.run("in timed call", call, call));
    return fired;
  }
}
