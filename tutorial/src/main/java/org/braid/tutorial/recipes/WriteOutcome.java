package org.braid.tutorial.recipes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link CacheRecipes#storeEverywhere} write ended up, after any repair or compensation.
 * A write to several servers is not atomic: this record makes a partial write visible instead of
 * hiding it behind a single "ok" or a single exception.
 *
 * @param key the key written
 * @param applied the servers that hold the new value, in the order given
 * @param missing the servers that do not, each with why (the failure, or the compensation)
 * @param actions what repair or compensation did, in order, e.g. {@code "retry cache-b: STORED"}
 */
public record WriteOutcome(
    String key, List<String> applied, Map<String, String> missing, List<String> actions) {
  /** Copies the collections (keeping the order of {@code missing}). */
  public WriteOutcome {
    Objects.requireNonNull(key, "key");
    applied = List.copyOf(applied);
    missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
    actions = List.copyOf(actions);
  }

  /**
   * Tells whether every server agrees: the value is everywhere or nowhere.
   *
   * @return whether no server serves a value the others do not
   */
  public boolean isConsistent() {
    return applied.isEmpty() || missing.isEmpty();
  }

  /**
   * Tells whether the value is on every server.
   *
   * @return whether nothing is missing
   */
  public boolean isComplete() {
    return missing.isEmpty();
  }
}
