package org.braid.deferred;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A lock for callback code: {@link #acquire()} gives a Deferred that fires once the lock is yours
 * (Twisted's {@code DeferredLock}).
 *
 * <p>It does not block anything: it orders work that spans several Deferreds, such as a
 * read-modify-write against a remote store that must not interleave with another one.
 * Acquiring a free lock fires at once, before {@code acquire()} returns; otherwise the acquisition
 * waits in a FIFO line, and {@link #release()} hands the lock straight to the first in line (it is
 * never free in between, so nobody can jump the queue).
 *
 * <pre>{@code
 * DeferredLock lock = new DeferredLock();
 *
 * // Holds the lock until the Deferred the function returns has fired, value or failure.
 * Deferred<Long> next = lock.runDeferring(
 *     () -> client.get("counter")
 *         .addCallbackDeferring(v -> client.set("counter", v + 1).addCallback(ok -> v + 1)));
 * }</pre>
 *
 * Prefer {@link #run}/{@link #runDeferring}: they release on every outcome. With {@link
 * #acquire()} the caller owns the lock once the Deferred fires and must call {@link #release()}
 * exactly once.
 *
 * <p>Cancelling an acquisition that still waits removes it from the line and fails it with {@link
 * CancelledException}; cancelling one that has fired does nothing, and the caller still owns the
 * lock.
 *
 * <p>Not thread-safe: every method must be called on the owning logical thread (the reactor, or
 * an inline body it runs), like every Deferred.
 */
public final class DeferredLock {
  /**
   * Whether the lock is taken: owned, or released by its owner with the hand-off to the next
   * waiter still to come ({@link #handOffPending}). While false, {@link #waiting} is empty.
   */
  private boolean locked;

  /** True while {@link #release()} is firing a waiter; a release inside that is deferred. */
  private boolean handingOff;

  /**
   * True when the owner released from inside a hand-off while acquisitions wait: the running
   * {@link #release()} serves the next waiter as soon as the current one's callbacks return.
   */
  private boolean handOffPending;

  /** Acquisitions waiting for the lock, first in line first; all unfired. */
  private final ArrayDeque<Deferred<DeferredLock>> waiting = new ArrayDeque<>();

  /** Creates an unlocked lock. Owning logical thread. */
  public DeferredLock() {}

  /**
   * Asks for the lock. Owning logical thread.
   *
   * @return a Deferred that fires with this lock once the caller owns it: before this method
   *     returns when the lock is free, else when every earlier acquisition has released it.
   *     Cancelling it while it waits gives up the place in line
   */
  public Deferred<DeferredLock> acquire() {
    // Only a waiting acquisition can be cancelled (firing drops the canceller): withdraw it.
    Deferred<DeferredLock> acquisition = new Deferred<>(d -> waiting.remove(d));
    if (locked) {
      waiting.addLast(acquisition);
    } else {
      locked = true;
      acquisition.callback(this);
    }
    return acquisition;
  }

  /**
   * Gives the lock up. When acquisitions are waiting, the first one gets the lock at once, before
   * this method returns, and the lock stays locked. Owning logical thread.
   *
   * <p>One exception keeps the stack flat: a release from inside the callbacks of an acquisition
   * being handed the lock (as {@link #run} does for a synchronous function) returns first, and the
   * next waiter is served as soon as those callbacks return, still inside the outer {@code
   * release()}. So a line of 100,000 such waiters is served in a loop, not by recursion.
   *
   * @throws IllegalStateException when the lock is not locked (a release without an acquire, or a
   *     second release)
   */
  public void release() {
    if (!locked || handOffPending) {
      throw new IllegalStateException(
          "Tried to release an unlocked lock: " + this + "; release once per fired acquire()");
    }
    if (handingOff) {
      // Inside the hand-off loop below, one level up the stack: let it serve the next waiter.
      if (waiting.isEmpty()) {
        locked = false;
      } else {
        handOffPending = true;
      }
      return;
    }
    handingOff = true;
    try {
      do {
        handOffPending = false;
        Deferred<DeferredLock> next = waiting.pollFirst();
        if (next == null) {
          locked = false;
          return;
        }
        // Still locked: ownership moves to `next` without the lock ever being free.
        next.callback(this);
      } while (handOffPending);
    } finally {
      handingOff = false;
    }
  }

  /**
   * Tells whether someone owns the lock. Owning logical thread.
   *
   * @return {@code true} from a fired acquisition to its release, and while the lock passes
   *     from one owner to the next waiter
   */
  public boolean isLocked() {
    return locked;
  }

  /**
   * Tells how many acquisitions wait for the lock. Owning logical thread.
   *
   * @return the length of the line
   */
  public int waiting() {
    return waiting.size();
  }

  /**
   * Runs {@code function} while holding the lock: acquires, calls it, releases once its result is
   * there, and passes the result on unchanged. An exception it throws releases too and fails the
   * returned Deferred. Owning logical thread.
   *
   * @param function the work; if it returns a Deferred, the lock is held until that fires
   * @param <T> the function's result type
   * @return a Deferred of the function's result. It is the acquisition's chain: cancelling it
   *     while it waits for the lock withdraws the acquisition, and the function never runs
   */
  public <T> Deferred<T> run(Callable<? extends T> function) {
    Objects.requireNonNull(function, "function");
    return RunWhileAcquired.run(acquire(), this::release, function);
  }

  /**
   * {@link #run} for a function that returns a Deferred, typed accordingly: the lock is held until
   * that Deferred fires. Owning logical thread.
   *
   * @param function the work, returning a Deferred of its result
   * @param <T> the function's result type
   * @return a Deferred of that result; cancelling it while it waits withdraws the acquisition,
   *     and cancelling it while the function's Deferred is pending cancels that Deferred
   */
  public <T> Deferred<T> runDeferring(Callable<? extends Deferred<? extends T>> function) {
    Objects.requireNonNull(function, "function");
    return RunWhileAcquired.runDeferring(acquire(), this::release, function);
  }

  /** Shows the state, e.g. {@code DeferredLock[locked, 2 waiting]}. */
  @Override
  public String toString() {
    return "DeferredLock["
        + (handOffPending ? "released, handing off" : locked ? "locked" : "unlocked")
        + ", "
        + waiting.size()
        + " waiting]";
  }
}
