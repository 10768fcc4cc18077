package org.braid.protocols.memcache;

import java.time.Instant;
import java.time.InstantSource;

/** A Unix clock that moves only when the test says so. */
final class ManualInstantSource implements InstantSource {
  private Instant now;

  ManualInstantSource(long epochSecond) {
    now = Instant.ofEpochSecond(epochSecond);
  }

  @Override
  public Instant instant() {
    return now;
  }

  long epochSecond() {
    return now.getEpochSecond();
  }

  void advanceSeconds(long seconds) {
    now = now.plusSeconds(seconds);
  }
}
