package org.braid.tutorial.recipes;

import java.time.Duration;
import java.util.Objects;
import org.braid.protocols.BackoffPolicy;

/**
 * How {@link CacheRecipes#acquireLock} tries: the lock's lifetime, and when to stop waiting for a
 * lock someone else holds.
 *
 * @param ttlSeconds how long the lock item lives if its holder never releases it (a crashed
 *     holder cannot keep it forever); at least 1
 * @param maxTries how many add attempts in all; at least 1
 * @param deadline the longest time to wait in all: a retry whose back-off would end after it is
 *     not made
 * @param backoff the delay after the n-th refused attempt; give it jitter so that waiters do not
 *     retry in lock step
 */
public record LockPlan(int ttlSeconds, int maxTries, Duration deadline, BackoffPolicy backoff) {
  /** Checks the fields. */
  public LockPlan {
    if (ttlSeconds < 1) {
      throw new IllegalArgumentException("ttlSeconds must be at least 1: " + ttlSeconds);
    }
    if (maxTries < 1) {
      throw new IllegalArgumentException("maxTries must be at least 1: " + maxTries);
    }
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(backoff, "backoff");
  }
}
