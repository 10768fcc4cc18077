package org.braid.tutorial.recipes;

import java.util.Objects;
import org.braid.protocols.memcache.MemcacheClient;

/**
 * One of the servers {@link CacheRecipes#storeEverywhere} writes to.
 *
 * @param name how results and messages name it, e.g. {@code "cache-b"}
 * @param client the connection to it
 */
public record Replica(String name, MemcacheClient client) {
  /** Checks the fields. */
  public Replica {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(client, "client");
  }
}
