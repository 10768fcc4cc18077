package org.braid.tutorial.recipes;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link CacheRecipes#storeEverywhere} writes.
 *
 * @param perRequestTimeout how long each server may take to answer one request; positive
 * @param onPartialWrite what to do when only some servers stored the value
 */
public record WritePlan(Duration perRequestTimeout, OnPartialWrite onPartialWrite) {
  /** Checks the fields. */
  public WritePlan {
    Objects.requireNonNull(perRequestTimeout, "perRequestTimeout");
    Objects.requireNonNull(onPartialWrite, "onPartialWrite");
    if (perRequestTimeout.isNegative() || perRequestTimeout.isZero()) {
      throw new IllegalArgumentException("perRequestTimeout must be positive: " + perRequestTimeout);
    }
  }
}
