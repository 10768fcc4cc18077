package org.braid.tutorial.recipes;

import java.util.Objects;
import org.braid.protocols.BackoffPolicy;

/**
 * How {@link CacheRecipes#connectWithRetry} retries: the delays and how many attempts in all.
 *
 * @param backoff the delay after the n-th failed attempt
 * @param maxAttempts attempts in all, the first included; at least 1
 */
public record RetryPlan(BackoffPolicy backoff, int maxAttempts) {
  /** Checks the fields. */
  public RetryPlan {
    Objects.requireNonNull(backoff, "backoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }
}
