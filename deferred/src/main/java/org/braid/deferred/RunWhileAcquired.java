package org.braid.deferred;

import java.util.concurrent.Callable;

/**
 * What {@link DeferredLock#run} and {@link DeferredSemaphore#run} share: once an acquisition
 * fires, run a function, release after its result arrives (value or failure, now or later), and
 * pass that result on unchanged (Twisted's {@code _ConcurrencyPrimitive.run}).
 *
 * <p>The Deferred handed back is the acquisition's own chain, so cancelling it while it still
 * waits for the lock cancels the acquisition (and the function never runs); cancelling it while the
 * function's Deferred is pending cancels that Deferred, whose failure then releases as any other.
 *
 * <p>Owning logical thread only.
 */
final class RunWhileAcquired {
  private RunWhileAcquired() {}

  /**
   * Runs {@code function} once {@code acquisition} fires, then calls {@code release}.
   *
   * @param acquisition the Deferred of an {@code acquire()} call
   * @param release gives the lock or token back
   * @param function the work; a Deferred it returns is waited for (Twisted's maybeDeferred)
   * @param <T> the function's result type
   * @return {@code acquisition}, retyped to the function's result
   */
  static <T> Deferred<T> run(
      Deferred<?> acquisition, Runnable release, Callable<? extends T> function) {
    return acquisition.addCallbackDeferring(
        ignored -> releaseAfter(Deferred.<T>maybeDeferred(function), release));
  }

  /**
   * {@link #run} for a function that returns a Deferred.
   *
   * @param acquisition the Deferred of an {@code acquire()} call
   * @param release gives the lock or token back
   * @param function the work, returning a Deferred of its result
   * @param <T> the function's result type
   * @return {@code acquisition}, retyped to the function's result
   */
  static <T> Deferred<T> runDeferring(
      Deferred<?> acquisition,
      Runnable release,
      Callable<? extends Deferred<? extends T>> function) {
    return acquisition.addCallbackDeferring(
        ignored -> releaseAfter(Deferred.<T>maybeDeferredDeferring(function), release));
  }

  /**
   * Appends the release to the work's chain. The same Failure object goes on, so errbacks further
   * down see exactly what the function produced.
   */
  @SuppressWarnings("unchecked")
  private static <T> Deferred<T> releaseAfter(Deferred<T> work, Runnable release) {
    Deferred<Object> released =
        work.addBoth(
            (value, failure) -> {
              try {
                release.run();
              } catch (RuntimeException e) {
                // Only a misuse gets here (someone released on the function's behalf). That error
                // replaces the result, but the function's own failure must not vanish with it.
                if (failure != null) {
                  e.addSuppressed(failure.value());
                }
                throw e;
              }
              return failure != null ? failure : value;
            });
    // The entry returns the value it received, or the Failure (which keeps the chain on the error
    // side): the result type is still T.
    return (Deferred<T>) (Deferred<?>) released;
  }
}
