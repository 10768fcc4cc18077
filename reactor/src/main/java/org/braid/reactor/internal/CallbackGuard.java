package org.braid.reactor.internal;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;

/**
 * Runs one callback on the reactor thread so that whatever it throws is logged with context and the
 * loop goes on (Guava's {@code executeListener}): every timer, thread call, trigger and I/O dispatch
 * goes through here, one at a time, never one {@code try} around the whole loop. It also tells the
 * {@link SlowCallbackWatchdog}, when there is one, which callback holds the thread.
 *
 * <p>Errors the JVM cannot recover from ({@link VirtualMachineError}s other than {@link
 * StackOverflowError}, e.g. {@link OutOfMemoryError}) are rethrown: they end the loop.
 *
 * <p>Reactor thread only.
 */
public final class CallbackGuard {
  private final Logger log;
  private final SlowCallbackWatchdog watchdog;

  /**
   * Creates a guard.
   *
   * @param log where failures are logged
   * @param watchdog told about each callback, or {@code null} when slow-callback detection is off
   */
  public CallbackGuard(Logger log, SlowCallbackWatchdog watchdog) {
    this.log = Objects.requireNonNull(log, "log");
    this.watchdog = watchdog;
  }

  /**
   * Runs a callback, logging what it throws.
   *
   * @param context what kind of callback, for the log, e.g. "in timed call"
   * @param what the callback or what it serves, described in the log by its {@code toString()}
   * @param callback what to run
   * @return what it threw (already logged), or {@code null}
   */
  public Throwable run(String context, Object what, Runnable callback) {
    if (watchdog != null) {
      watchdog.enter(context, what);
    }
    try {
      callback.run();
      return null;
    } catch (Throwable t) {
      rethrowIfFatal(t);
      log.error("Unhandled exception {} {}", context, describe(what), t);
      return t;
    } finally {
      if (watchdog != null) {
        watchdog.exit();
      }
    }
  }

  /**
   * Calls a callback that returns a value, logging what it throws.
   *
   * @param context what kind of callback, for the log
   * @param what the callback, described in the log by its {@code toString()}
   * @param callback what to call
   * @param <T> its result type
   * @return its result, or {@code null} when it threw (already logged)
   */
  public <T> T call(String context, Object what, Callable<T> callback) {
    if (watchdog != null) {
      watchdog.enter(context, what);
    }
    try {
      return callback.call();
    } catch (Throwable t) {
      rethrowIfFatal(t);
      log.error("Unhandled exception {} {}", context, describe(what), t);
      return null;
    } finally {
      if (watchdog != null) {
        watchdog.exit();
      }
    }
  }

  /**
   * Describes a callback for a log line: a port or connection by {@link Selectable#describe()},
   * anything else by {@code toString()}. Never throws.
   *
   * @param what the callback or what it serves
   * @return the description
   */
  public static String describe(Object what) {
    try {
      return what instanceof Selectable s ? s.describe() : String.valueOf(what);
    } catch (RuntimeException e) {
      return what.getClass().getName() + " (describing it threw " + e + ")";
    }
  }

  /**
   * Rethrows errors that leave the JVM in an unknown state.
   *
   * @param t a caught throwable
   */
  public static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal && !(t instanceof StackOverflowError)) {
      throw fatal;
    }
  }
}
