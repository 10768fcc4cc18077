package org.braid.protocols;

import java.time.Duration;
import java.util.Objects;

/**
 * Durations as seconds in a {@code double} and back, for backoff arithmetic done the way Twisted
 * does it (in float seconds). Any thread (pure functions).
 */
final class Seconds {
  private Seconds() {}

  /** The duration in seconds. */
  static double of(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  /** The duration in seconds, after checking it is not negative. */
  static double nonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " is negative: " + d);
    }
    return of(d);
  }

  /** Seconds as a Duration, rounded to the nanosecond (saturating at about 292 years). */
  static Duration toDuration(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }
}
