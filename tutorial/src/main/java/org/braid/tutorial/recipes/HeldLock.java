package org.braid.tutorial.recipes;

import java.time.Duration;
import java.util.Objects;

/**
 * A lock {@link CacheRecipes#acquireLock} acquired: give it back to {@link
 * CacheRecipes#releaseLock}.
 *
 * @param key the key the lock protects
 * @param owner who holds it: the value stored under {@link #lockKey()}
 * @param attempts how many add attempts it took
 * @param waited from the first attempt to success, on the recipe's clock
 */
public record HeldLock(String key, String owner, int attempts, Duration waited) {
  /** Checks the fields. */
  public HeldLock {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(waited, "waited");
  }

  /**
   * The cache key that holds the lock for {@code key}.
   *
   * @param key the protected key
   * @return {@code "lock:" + key}
   */
  public static String lockKey(String key) {
    return "lock:" + key;
  }

  /**
   * The cache key that holds this lock.
   *
   * @return {@code "lock:" + key}
   */
  public String lockKey() {
    return lockKey(key);
  }
}
