package org.braid.tutorial.recipes;

/** What {@link CacheRecipes#storeEverywhere} does when the write reached some servers only. */
public enum OnPartialWrite {
  /** Nothing: report which servers have the value and which do not. */
  REPORT,
  /** Repair: write once more to each server that failed. */
  RETRY_FAILED,
  /**
   * Compensate: delete the key where the write was applied, so that no server serves the new
   * value (nor the old one: for a cache, a miss is always safe, a stale hit is not).
   */
  UNDO_APPLIED
}
