package org.braid.protocols.memcache;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stats reply: the {@code STAT <name> <value>} lines in the server's order.
 *
 * <p>Immutable; any thread.
 *
 * @param stats name to value; unmodifiable, in the server's order
 */
public record StatsResult(Map<String, String> stats) implements MemcacheReply {
  /**
   * Copies and checks the statistics.
   *
   * @throws IllegalArgumentException when a name is empty or has a space, or a name or value has a
   *     line break
   */
  public StatsResult {
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> stat : stats.entrySet()) {
      String name = stat.getKey();
      String value = stat.getValue();
      if (name.isEmpty() || name.indexOf(' ') >= 0 || Ascii.lineBreakIn(name) >= 0) {
        throw new IllegalArgumentException(
            "stat name must be non-empty with no space or line break: " + Ascii.excerpt(name));
      }
      if (Ascii.lineBreakIn(value) >= 0) {
        throw new IllegalArgumentException(
            "value of stat " + name + " has a line break: " + Ascii.excerpt(value));
      }
      copy.put(name, value);
    }
    stats = Collections.unmodifiableMap(copy);
  }

  /**
   * One statistic.
   *
   * @param name e.g. {@code curr_items}
   * @return its value, or {@code null} when the server did not report it
   */
  public String get(String name) {
    return stats.get(name);
  }

  /**
   * One numeric statistic.
   *
   * @param name e.g. {@code curr_items}
   * @return its value as a long
   * @throws IllegalArgumentException when the server did not report it or it is not an integer
   */
  public long getLong(String name) {
    String value = stats.get(name);
    if (value == null) {
      throw new IllegalArgumentException("stat " + name + " was not reported; reported: "
          + stats.keySet());
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("stat " + name + " is not an integer: "
          + Ascii.excerpt(value), e);
    }
  }
}
