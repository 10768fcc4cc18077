package org.braid.tutorial.recipes;

import java.util.Objects;

/**
 * What {@link CacheRecipes#getOrLoad} found: the value and where it came from.
 *
 * @param value the value the caller should use
 * @param source where it came from
 */
public record Lookup(String value, Source source) {

  /** Where a looked-up value came from. */
  public enum Source {
    /** The cache had it. */
    HIT,
    /** It was missing; we loaded it and our add stored it. */
    ADDED,
    /**
     * It was missing; we loaded it, but someone else added the key between our get and our add,
     * so our add was refused and the value is theirs, read again from the cache.
     */
    LOST_RACE,
    /**
     * It was missing, our add was refused, and the key was gone again when we read it back (evicted
     * or deleted meanwhile): the value is the one we loaded, not cached.
     */
    NOT_CACHED
  }

  /** Checks the fields. */
  public Lookup {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }
}
