package org.braid.tutorial.recipes;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in messages: {@code 3.375 s}, {@code 250 ms}. Any thread. */
final class Durations {
  private Durations() {}

  static String format(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return String.format(Locale.ROOT, "%.0f ms", d.toNanos() / 1e6);
    }
    return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
  }
}
