package org.braid.deferred;

/**
 * The error side of a {@link Deferred}'s chain: receives the current {@link Failure}.
 *
 * <p>Returning a value recovers: the chain goes on on the callback side with that value. Throwing
 * keeps the chain on the errback side; {@link Failure#trap} rethrows the original exception when
 * it is not one this errback handles, which is how "not mine, pass it on" is written. Returning a
 * {@link Deferred} pauses the chain until that Deferred fires.
 *
 * <p>Called on the thread that fires the Deferred or adds the errback (the owning logical thread).
 *
 * @param <R> the type of the result it recovers with
 */
@FunctionalInterface
public interface Errback<R> {
  /**
   * Handles, translates or passes on a failure.
   *
   * @param failure the current failure, never {@code null}
   * @return the value to recover with
   * @throws Exception to stay on the errback side
   */
  R apply(Failure failure) throws Exception;
}
