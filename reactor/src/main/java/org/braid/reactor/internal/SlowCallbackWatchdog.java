package org.braid.reactor.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, with the reactor thread's stack, when one callback holds the reactor thread longer than a
 * threshold (asyncio's slow-callback warning, Vert.x's blocked-thread checker).
 *
 * <p>The reactor thread publishes the callback it is running ({@link #enter}, {@link #exit}); a
 * daemon thread samples that every quarter threshold (at least every millisecond, at most every
 * 100 ms) and, once a callback has run longer than the threshold, captures the reactor thread's
 * stack and logs one WARN for that callback. The stack is taken while the callback still runs
 * (it is checked again after the capture), so it shows where it is stuck.
 *
 * <p>{@link #enter} and {@link #exit}: reactor thread. {@link #start}, {@link #stop}: the thread
 * that runs the reactor.
 */
public final class SlowCallbackWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(SlowCallbackWatchdog.class);

  /** One callback in progress; a new object per callback, so "same callback" is identity. */
  private record Running(String context, Object what, long startNanos) {}

  private final long thresholdNanos;
  private final long periodNanos;
  private volatile Running current;
  private volatile boolean stopped;
  private Thread sampler;

  /**
   * Creates a watchdog; nothing runs until {@link #start}.
   *
   * @param threshold how long one callback may hold the reactor thread before a warning
   */
  public SlowCallbackWatchdog(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException(
          "slow-callback threshold must be positive: " + threshold);
    }
    this.thresholdNanos = Nanos.of(threshold);
    this.periodNanos =
        Math.clamp(thresholdNanos / 4, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(100));
  }

  /**
   * Starts sampling {@code reactorThread}.
   *
   * @param reactorThread the thread running the loop
   */
  public void start(Thread reactorThread) {
    stopped = false;
    sampler = new Thread(() -> sample(reactorThread), "braid-watchdog[" + reactorThread.getName() + "]");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Stops sampling and waits (briefly) for the sampler to end. */
  public void stop() {
    stopped = true;
    Thread t = sampler;
    sampler = null;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The reactor thread starts a callback.
   *
   * @param context what kind of callback, e.g. "in timed call"
   * @param what the callback, described lazily by its {@code toString()}
   */
  public void enter(String context, Object what) {
    current = new Running(context, what, System.nanoTime());
  }

  /** The reactor thread finished the callback. */
  public void exit() {
    current = null;
  }

  private void sample(Thread reactorThread) {
    Running reported = null;
    while (!stopped) {
      LockSupport.parkNanos(this, periodNanos);
      Running running = current;
      if (running == null || running == reported) {
        continue;
      }
      long heldNanos = System.nanoTime() - running.startNanos();
      if (heldNanos <= thresholdNanos) {
        continue;
      }
      StackTraceElement[] stack = reactorThread.getStackTrace();
      if (current != running) {
        continue; // it finished while we looked: the stack would show something else
      }
      reported = running;
      BlockedReactorThread where =
          new BlockedReactorThread(
              "stack of reactor thread '" + reactorThread.getName() + "' while blocked", stack);
      LOG.warn(
          "Reactor thread blocked for {} ms (threshold {} ms) {} {}; move blocking work off the"
              + " reactor thread (deferToThread) or split it into shorter steps",
          TimeUnit.NANOSECONDS.toMillis(heldNanos),
          TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
          running.context(),
          CallbackGuard.describe(running.what()),
          where);
    }
  }
}
