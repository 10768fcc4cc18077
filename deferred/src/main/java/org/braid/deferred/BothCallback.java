package org.braid.deferred;

/**
 * A function added to both sides of a {@link Deferred}'s chain (Twisted's {@code addBoth}).
 *
 * <p>Exactly one of the two arguments describes the current result: on the success side {@code
 * failure} is {@code null} and {@code value} is the result (which may itself be {@code null}); on
 * the error side {@code failure} is the current failure and {@code value} is {@code null}. What it
 * returns or throws follows the rules of {@link Callback}.
 *
 * <p>Called on the thread that fires the Deferred or adds the function (the owning logical thread).
 *
 * @param <T> the type of the success result it receives
 * @param <R> the type of the result it produces
 */
@FunctionalInterface
public interface BothCallback<T, R> {
  /**
   * Transforms the current result, whichever side it is on.
   *
   * @param value the success result, or {@code null} when {@code failure} is set
   * @param failure the failure, or {@code null} on the success side
   * @return the next result
   * @throws Exception to switch (or stay) on the errback side
   */
  R apply(T value, Failure failure) throws Exception;
}
