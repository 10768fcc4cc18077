package org.braid.protocols.memcache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reply to get or gets: the items found, in the server's order. Keys that were not found are
 * simply absent.
 *
 * <p>Immutable; any thread.
 *
 * @param values the items found; unmodifiable
 */
public record GetResult(List<Value> values) implements MemcacheReply {
  /** A reply with no item (every key missed). */
  public static final GetResult EMPTY = new GetResult(List.of());

  /** Copies the list. */
  public GetResult {
    values = List.copyOf(values);
  }

  /**
   * The item for a key.
   *
   * @param key a requested key
   * @return the first item with that key, or empty on a miss
   */
  public Optional<Value> find(String key) {
    for (Value value : values) {
      if (value.key().equals(key)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /**
   * The items by key (a key requested twice is answered twice; the map keeps the first).
   *
   * @return key to item, in the server's order; modifiable copy
   */
  public Map<String, Value> asMap() {
    Map<String, Value> map = new LinkedHashMap<>();
    for (Value value : values) {
      map.putIfAbsent(value.key(), value);
    }
    return map;
  }
}
