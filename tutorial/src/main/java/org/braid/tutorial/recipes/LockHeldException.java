package org.braid.tutorial.recipes;

import java.time.Duration;
import java.util.Optional;

/**
 * {@link CacheRecipes#acquireLock} stopped waiting for a lock someone else holds. The message
 * names the key, the holder (read from the cache when giving up), the attempts and the time
 * waited.
 */
public final class LockHeldException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String holder;
  private final int attempts;
  private final Duration waited;

  /**
   * Creates the exception. Any thread.
   *
   * @param key the protected key
   * @param holder who held the lock when we gave up, or {@code null} when it was released just
   *     as we gave up
   * @param attempts how many add attempts were refused
   * @param waited from the first attempt to giving up
   */
  public LockHeldException(String key, String holder, int attempts, Duration waited) {
    super(
        "lock on '"
            + key
            + "' is held by "
            + (holder == null ? "nobody any more (released as we gave up)" : "'" + holder + "'")
            + "; gave up after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " in "
            + Durations.format(waited));
    this.holder = holder;
    this.attempts = attempts;
    this.waited = waited;
  }

  /**
   * Who held the lock when we gave up.
   *
   * @return the owner, or empty when it was released just then
   */
  public Optional<String> holder() {
    return Optional.ofNullable(holder);
  }

  /**
   * How many attempts were refused.
   *
   * @return the count
   */
  public int attempts() {
    return attempts;
  }

  /**
   * How long we waited.
   *
   * @return the time
   */
  public Duration waited() {
    return waited;
  }
}
