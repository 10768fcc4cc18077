package org.braid.protocols;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * How long {@link ClientService} waits before its next attempt: a function of how many attempts
 * in a row have failed (Twisted's {@code retryPolicy}).
 *
 * <pre>{@code
 * BackoffPolicy policy = BackoffPolicy.exponential(
 *     Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, () -> 0.0);   // no jitter
 * policy.delay(1);  // 200 ms
 * policy.delay(9);  // 30 s (capped)
 * }</pre>
 *
 * <p>Apart from the jitter source it draws on, a policy is a pure function: the same attempt gives
 * the same delay, which is what makes the delays of a {@code ClientService} exact in tests. Any
 * thread (the built-in policies are immutable; their jitter source is called on the caller's
 * thread).
 */
@FunctionalInterface
public interface BackoffPolicy {

  /**
   * The delay before the next attempt.
   *
   * @param failedAttempts how many attempts in a row have failed (or how many since the last
   *     connection was lost, counting the loss): 1 or more
   * @return how long to wait, not negative
   */
  Duration delay(int failedAttempts);

  /**
   * Twisted's {@code backoffPolicy}: {@code min(initialDelay × factor^min(attempt, 100), maxDelay)
   * + jitter()} (seconds). The cap comes before the jitter, so a delay can exceed {@code maxDelay}
   * by up to the largest jitter; a negative total counts as zero. Note that attempt 1, the first
   * retry, already waits {@code initialDelay × factor}, as in Twisted.
   *
   * @param initialDelay the delay for attempt 0, not negative
   * @param maxDelay the cap before jitter, not negative
   * @param factor the growth per attempt, positive and finite
   * @param jitterSeconds extra seconds added to each delay, e.g. {@code random::nextDouble}
   * @return the policy
   */
  static BackoffPolicy exponential(
      Duration initialDelay, Duration maxDelay, double factor, DoubleSupplier jitterSeconds) {
    double initial = Seconds.nonNegative("initialDelay", initialDelay);
    double max = Seconds.nonNegative("maxDelay", maxDelay);
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be positive and finite: " + factor);
    }
    Objects.requireNonNull(jitterSeconds, "jitterSeconds");
    return attempt -> {
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt is negative: " + attempt);
      }
      // A huge power is infinite, and min() then picks the cap: no overflow to handle.
      double capped = Math.min(initial * Math.pow(factor, Math.min(attempt, 100)), max);
      return Seconds.toDuration(Math.max(0, capped + jitterSeconds.getAsDouble()));
    };
  }

  /**
   * Twisted's default policy: initial delay 1 s, cap 60 s, factor 1.5, plus a uniform jitter in
   * [0, 1) s from a random generator of its own.
   *
   * @return the policy
   */
  static BackoffPolicy twistedDefault() {
    return twistedDefault(new Random()::nextDouble);
  }

  /**
   * Twisted's default policy with the jitter drawn from {@code jitterSeconds} (tests pass a fixed
   * value).
   *
   * @param jitterSeconds extra seconds added to each delay
   * @return the policy
   */
  static BackoffPolicy twistedDefault(DoubleSupplier jitterSeconds) {
    return exponential(Duration.ofSeconds(1), Duration.ofSeconds(60), 1.5, jitterSeconds);
  }

  /**
   * The same delay after every failure.
   *
   * @param delay not negative
   * @return the policy
   */
  static BackoffPolicy constant(Duration delay) {
    Seconds.nonNegative("delay", delay);
    return attempt -> delay;
  }
}
