package org.braid.deferred;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A counting semaphore for callback code: at most {@link #limit()} holders at a time (Twisted's
 * {@code DeferredSemaphore}).
 *
 * <p>The usual use is bounding concurrency, e.g. at most 10 requests in flight whatever the number
 * of keys:
 *
 * <pre>{@code
 * DeferredSemaphore inFlight = new DeferredSemaphore(10);
 * List<Deferred<String>> values = new ArrayList<>();
 * for (String key : keys) {
 *   values.add(inFlight.runDeferring(() -> client.get(key)));
 * }
 * Deferred<List<String>> all = Deferred.gatherResults(values);
 * }</pre>
 *
 * <p>{@link #acquire()} fires at once, before it returns, while a token is free; otherwise the
 * acquisition waits in a FIFO line, and {@link #release()} hands its token straight to the first
 * in line. Cancelling an acquisition that still waits removes it from the line and fails it with
 * {@link CancelledException}; cancelling one that has fired does nothing, and the caller still
 * holds a token.
 *
 * <p>Not thread-safe: every method must be called on the owning logical thread (the reactor, or
 * an inline body it runs), like every Deferred.
 */
public final class DeferredSemaphore {
  /** The number of tokens: the most holders there can be at once. At least 1. */
  private final int limit;

  /**
   * Free tokens, from 0 to {@link #limit}. While it is above 0, {@link #waiting} is empty: a freed
   * token goes to the first waiter instead of back here.
   */
  private int tokens;

  /** Acquisitions waiting for a token, first in line first; all unfired. */
  private final ArrayDeque<Deferred<DeferredSemaphore>> waiting = new ArrayDeque<>();

  /** True while {@link #release()} is firing a waiter; a release inside that is deferred. */
  private boolean handingOff;

  /**
   * Tokens released from inside a hand-off while acquisitions waited: the running {@link
   * #release()} gives each to the next waiter (or back to {@link #tokens}) as soon as the current
   * waiter's callbacks return. Neither free nor held.
   */
  private int handOffsPending;

  /**
   * Creates a semaphore with all its tokens free. Owning logical thread.
   *
   * @param tokens how many holders there may be at once; at least 1
   * @throws IllegalArgumentException when {@code tokens} is below 1
   */
  public DeferredSemaphore(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("DeferredSemaphore tokens < 1: " + tokens);
    }
    this.limit = tokens;
    this.tokens = tokens;
  }

  /**
   * Asks for a token. Owning logical thread.
   *
   * @return a Deferred that fires with this semaphore once the caller holds a token: before this
   *     method returns when one is free, else when the earlier waiters have been served.
   *     Cancelling it while it waits gives up the place in line
   */
  public Deferred<DeferredSemaphore> acquire() {
    // Only a waiting acquisition can be cancelled (firing drops the canceller): withdraw it.
    Deferred<DeferredSemaphore> acquisition = new Deferred<>(d -> waiting.remove(d));
    if (tokens == 0) {
      waiting.addLast(acquisition);
    } else {
      tokens--;
      acquisition.callback(this);
    }
    return acquisition;
  }

  /**
   * Gives a token back. When acquisitions are waiting, the first one gets it at once, before this
   * method returns. Owning logical thread.
   *
   * <p>One exception keeps the stack flat: a release from inside the callbacks of an acquisition
   * being handed a token (as {@link #run} does for a synchronous function) returns first, and the
   * next waiter is served as soon as those callbacks return, still inside the outer {@code
   * release()}. So a line of 100,000 such waiters is served in a loop, not by recursion.
   *
   * @throws IllegalStateException when every token is already free (more releases than
   *     acquisitions)
   */
  public void release() {
    if (tokens + handOffsPending >= limit) {
      throw new IllegalStateException(
          "DeferredSemaphore released more often than acquired: tokens "
              + (tokens + handOffsPending)
              + " already at limit "
              + limit);
    }
    if (handingOff) {
      // Inside the hand-off loop below, one level up the stack: let it serve the next waiter.
      if (waiting.isEmpty()) {
        tokens++;
      } else {
        handOffsPending++;
      }
      return;
    }
    handingOff = true;
    handOffsPending = 1;
    try {
      while (handOffsPending > 0) {
        handOffsPending--;
        Deferred<DeferredSemaphore> next = waiting.pollFirst();
        if (next == null) {
          tokens++;
        } else {
          // The token goes straight to `next`; it is never free, so nobody jumps the line.
          next.callback(this);
        }
      }
    } finally {
      handingOff = false;
    }
  }

  /**
   * Tells how many tokens are free. Owning logical thread.
   *
   * @return from 0 to {@link #limit()}; a token on its way from a releaser to the next waiter
   *     does not count
   */
  public int tokens() {
    return tokens;
  }

  /**
   * Tells how many tokens there are in all. Owning logical thread.
   *
   * @return the count given to the constructor
   */
  public int limit() {
    return limit;
  }

  /**
   * Tells how many acquisitions wait for a token. Owning logical thread.
   *
   * @return the length of the line
   */
  public int waiting() {
    return waiting.size();
  }

  /**
   * Runs {@code function} while holding a token: acquires, calls it, releases once its result is
   * there, and passes the result on unchanged. An exception it throws releases too and fails the
   * returned Deferred. Owning logical thread.
   *
   * @param function the work; if it returns a Deferred, the token is held until that fires
   * @param <T> the function's result type
   * @return a Deferred of the function's result. It is the acquisition's chain: cancelling it
   *     while it waits for a token withdraws the acquisition, and the function never runs
   */
  public <T> Deferred<T> run(Callable<? extends T> function) {
    Objects.requireNonNull(function, "function");
    return RunWhileAcquired.run(acquire(), this::release, function);
  }

  /**
   * {@link #run} for a function that returns a Deferred, typed accordingly: the token is held
   * until that Deferred fires. Owning logical thread.
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

  /** Shows the state, e.g. {@code DeferredSemaphore[0/4 tokens free, 3 waiting]}. */
  @Override
  public String toString() {
    return "DeferredSemaphore["
        + tokens
        + "/"
        + limit
        + " tokens free, "
        + waiting.size()
        + " waiting]";
  }
}
