package org.braid.deferred;

/**
 * Stops the operation behind a {@link Deferred} when someone calls {@link Deferred#cancel()}.
 *
 * <p>A canceller may fire the Deferred itself (with a value or a failure); if it does not, the
 * Deferred fails with {@link CancelledException} right after the canceller returns. A canceller
 * that throws is logged and the Deferred still fails with {@link CancelledException}, whose cause is
 * the thrown exception: a cancelled Deferred never stays unfired (Twisted leaves it unfired, its
 * issues #6676 and #9534).
 *
 * <p>Called at most once, on the thread that calls {@code cancel()} (the owning logical thread).
 *
 * @param <T> the Deferred's result type
 */
@FunctionalInterface
public interface Canceller<T> {
  /**
   * Stops the operation.
   *
   * @param deferred the Deferred being cancelled, still unfired
   * @throws Exception when stopping fails; logged, and the Deferred is failed anyway
   */
  void cancel(Deferred<T> deferred) throws Exception;
}
