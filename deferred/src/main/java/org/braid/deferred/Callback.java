package org.braid.deferred;

/**
 * The success side of a {@link Deferred}'s chain: receives the current result and returns the next
 * one.
 *
 * <p>Throwing any exception, checked or not, switches the chain to the errback side with a {@link
 * Failure} wrapping exactly that exception. Returning a {@link Deferred} pauses the chain until that
 * Deferred fires (use {@link Deferred#addCallbackDeferring} so the types say so). Returning a
 * {@link Failure} also switches to the errback side.
 *
 * <p>Called on the thread that fires the Deferred or adds the callback (the owning logical thread).
 *
 * @param <T> the type of the result it receives
 * @param <R> the type of the result it produces
 */
@FunctionalInterface
public interface Callback<T, R> {
  /**
   * Transforms the current result.
   *
   * @param value the current result, possibly {@code null}
   * @return the next result in the chain
   * @throws Exception to switch the chain to the errback side
   */
  R apply(T value) throws Exception;
}
