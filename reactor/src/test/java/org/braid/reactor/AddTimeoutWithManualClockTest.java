package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.ReactorAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deferred.addTimeout works with the reactor's clock interface (the Scheduler it extends). */
class AddTimeoutWithManualClockTest {
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void noTimerLeftBehind() {
    ReactorAssertions.assertClean(clock);
  }

  @Test
  void aDeferredThatDoesNotFireInTimeFailsWithTimeoutException() {
    // test_defer.py: test_timedOut
    Deferred<String> d = new Deferred<String>().addTimeout(Duration.ofSeconds(5), clock);
    clock.advance(Duration.ofSeconds(4));
    assertNoResult(d);
    clock.advance(Duration.ofSeconds(1));
    TimeoutException e = (TimeoutException) failureResultOf(d, TimeoutException.class).value();
    assertThat(e).hasMessageContaining("PT5S").hasCauseInstanceOf(CancelledException.class);
  }

  @Test
  void aDeferredThatFiresInTimeKeepsItsValueAndCancelsTheTimer() {
    // test_defer.py: test_successResultBeforeTimeout
    Deferred<String> d = new Deferred<>();
    Deferred<String> timed = d.addTimeout(Duration.ofSeconds(5), clock);
    d.callback("in time");
    assertThat(successResultOf(timed)).isEqualTo("in time");
  }

  @Test
  void cancellingBeforeTheTimeoutGivesPlainCancelledException() {
    // test_defer.py: test_cancelBeforeTimeout
    Deferred<String> d = new Deferred<String>().addTimeout(Duration.ofSeconds(5), clock);
    d.cancel();
    failureResultOf(d, CancelledException.class);
    clock.advance(Duration.ofSeconds(10));
  }
}
