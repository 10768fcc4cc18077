package org.braid.protocols.memcache;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.braid.reactor.ReactorTime;

/**
 * Unix time read off a reactor's clock, for the {@link MemcacheStore} of a server: the wall-clock
 * instant taken once at creation, plus how far the reactor's monotonic clock has moved since. So a
 * server driven by a {@link org.braid.reactor.testing.ManualClock} expires items exactly when the
 * test advances the clock, and a real server is immune to wall-clock jumps after it started.
 *
 * <p>Reactor thread only, like the clock it reads.
 */
final class ReactorInstantSource implements InstantSource {
  private final ReactorTime clock;
  private final Instant origin;
  private final Duration originTime;

  /**
   * A source that reads {@code start} now and moves with {@code clock}.
   *
   * @param clock the reactor's clock
   * @param start the Unix time at this moment
   */
  ReactorInstantSource(ReactorTime clock, Instant start) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.origin = Objects.requireNonNull(start, "start");
    this.originTime = clock.now();
  }

  @Override
  public Instant instant() {
    return origin.plus(clock.now().minus(originTime));
  }

  @Override
  public String toString() {
    return "ReactorInstantSource[" + instant() + "]";
  }
}
