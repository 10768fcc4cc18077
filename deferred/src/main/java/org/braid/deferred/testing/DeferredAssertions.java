package org.braid.deferred.testing;

import java.util.Arrays;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;

/**
 * Assertions on a Deferred's current result that never block: the result must already be there
 * (tests drive time with a manual clock and I/O with in-memory transports, so it is).
 *
 * <pre>{@code
 * import static org.braid.deferred.testing.DeferredAssertions.*;
 *
 * assertNoResult(d);
 * clock.advance(Duration.ofSeconds(5));
 * assertThat(failureResultOf(d, TimeoutException.class).value()).hasMessageContaining("5S");
 * }</pre>
 *
 * <p>Each method adds one entry to the Deferred's chain to observe its result, as trial does. Call
 * from the thread that owns the Deferred (the test thread).
 */
public final class DeferredAssertions {
  private DeferredAssertions() {}

  /** What the observing entry saw. */
  private static final class Observed {
    boolean seen;
    Object value;
    Failure failure;
  }

  private static <T> Observed observe(Deferred<T> deferred, boolean consumeFailure) {
    Observed observed = new Observed();
    deferred.addBoth(
        (value, failure) -> {
          observed.seen = true;
          observed.value = value;
          observed.failure = failure;
          if (failure != null && !consumeFailure) {
            return failure;
          }
          return failure != null ? null : value;
        });
    return observed;
  }

  /**
   * Returns the value the Deferred has succeeded with; the Deferred keeps it for later callbacks.
   * A failure found instead is consumed, as trial does, and becomes the cause of the assertion
   * error.
   *
   * @param deferred the Deferred under test
   * @param <T> its result type
   * @return its current value
   * @throws AssertionError when it has no result yet, or failed (the failure is the cause)
   */
  @SuppressWarnings("unchecked")
  public static <T> T successResultOf(Deferred<T> deferred) {
    Observed observed = observe(deferred, false);
    if (!observed.seen) {
      throw new AssertionError("Success result expected on " + deferred + ", found no result");
    }
    if (observed.failure != null) {
      AssertionError error =
          new AssertionError(
              "Success result expected on "
                  + deferred
                  + ", found failure result instead: "
                  + observed.failure,
              observed.failure.value());
      consumeFailure(deferred);
      throw error;
    }
    return (T) observed.value;
  }

  /**
   * Returns the failure the Deferred has failed with, and consumes it: the Deferred's result
   * becomes {@code null}, so it is not reported as unhandled (as trial's {@code failureResultOf}).
   *
   * @param deferred the Deferred under test
   * @param expectedTypes when given, the failure must be an instance of one of them
   * @return its failure
   * @throws AssertionError when it has no result, succeeded, or failed with another type (the
   *     unexpected failure is the cause)
   */
  @SafeVarargs
  public static Failure failureResultOf(
      Deferred<?> deferred, Class<? extends Throwable>... expectedTypes) {
    Observed observed = observe(deferred, true);
    if (!observed.seen) {
      throw new AssertionError("Failure result expected on " + deferred + ", found no result");
    }
    if (observed.failure == null) {
      throw new AssertionError(
          "Failure result expected on "
              + deferred
              + ", found success result ("
              + typeOf(observed.value)
              + ") instead");
    }
    if (expectedTypes.length > 0 && observed.failure.check(expectedTypes) == null) {
      throw new AssertionError(
          "Failure of type ("
              + Arrays.stream(expectedTypes)
                  .map(Class::getName)
                  .reduce((a, b) -> a + " or " + b)
                  .orElse("")
              + ") expected on "
              + deferred
              + ", found type "
              + observed.failure.type().getName()
              + " instead",
          observed.failure.value());
    }
    return observed.failure;
  }

  /**
   * Asserts that the Deferred has no result yet. A failure found instead is consumed, as trial
   * does, and becomes the cause of the assertion error.
   *
   * @param deferred the Deferred under test
   * @throws AssertionError when it has a result (a failure is attached as the cause)
   */
  public static void assertNoResult(Deferred<?> deferred) {
    Observed observed = observe(deferred, false);
    if (observed.seen) {
      if (observed.failure != null) {
        AssertionError error =
            new AssertionError(
                "No result expected on " + deferred + ", found failure " + observed.failure,
                observed.failure.value());
        consumeFailure(deferred);
        throw error;
      }
      throw new AssertionError(
          "No result expected on " + deferred + ", found " + typeOf(observed.value));
    }
  }

  /**
   * Consumes the failure a Deferred has just been observed to hold: the assertion error that
   * reports it carries it as its cause, so it must not be reported a second time as an unhandled
   * error when the Deferred is collected (trial swallows it the same way). Only called after the
   * failure was seen, so the errback runs at once and cannot eat a later failure.
   */
  private static void consumeFailure(Deferred<?> deferred) {
    deferred.addErrback(f -> null);
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : "a " + value.getClass().getName();
  }
}
