package org.braid.tutorial.recipes;

import java.time.Duration;

/**
 * {@link CacheRecipes#connectWithRetry} made every attempt its plan allowed and none connected.
 * The message names the endpoint, the attempts, the time spent and the last failure, which is
 * also the cause.
 */
public final class GaveUpConnectingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int attempts;
  private final Duration elapsed;

  /**
   * Creates the exception. Any thread.
   *
   * @param endpoint where the attempts went, as text
   * @param attempts how many attempts failed
   * @param elapsed from the first attempt to giving up, on the recipe's clock
   * @param lastFailure what the last attempt failed with
   */
  public GaveUpConnectingException(
      String endpoint, int attempts, Duration elapsed, Throwable lastFailure) {
    super(
        "gave up connecting to "
            + endpoint
            + " after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " in "
            + Durations.format(elapsed)
            + "; last failure: "
            + lastFailure,
        lastFailure);
    this.attempts = attempts;
    this.elapsed = elapsed;
  }

  /**
   * How many attempts failed.
   *
   * @return the count
   */
  public int attempts() {
    return attempts;
  }

  /**
   * From the first attempt to giving up.
   *
   * @return the time
   */
  public Duration elapsed() {
    return elapsed;
  }
}
