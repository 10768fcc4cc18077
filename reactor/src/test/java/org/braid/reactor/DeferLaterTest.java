package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.reactor.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** ReactorTime.deferLater and sleep on a manual clock (test_task.py: DeferLaterTests). */
class DeferLaterTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> calls = new ArrayList<>();

  @Test
  void firesWithWhatTheCallableReturnsAfterTheDelay() {
    // test_task.py: test_callback
    Deferred<String> d =
        clock.deferLater(
            Duration.ofSeconds(3),
            () -> {
              calls.add("called at " + clock.now());
              return "result";
            });
    clock.advance(Duration.ofSeconds(2));
    assertThat(calls).isEmpty();
    assertNoResult(d);
    clock.advance(Duration.ofSeconds(1));
    assertThat(calls).containsExactly("called at PT3S");
    assertThat(successResultOf(d)).isEqualTo("result");
  }

  @Test
  void failsWithWhatTheCallableThrows() {
    // test_task.py: test_errback
    Deferred<String> d =
        clock.deferLater(Duration.ofSeconds(1), () -> {
          throw new IllegalStateException("boom");
        });
    clock.advance(Duration.ofSeconds(1));
    assertThat(failureResultOf(d, IllegalStateException.class).getErrorMessage())
        .isEqualTo("boom");
  }

  @Test
  void cancellingBeforeTheTimeCancelsTheTimerAndNeverCallsTheCallable() {
    // test_task.py: test_cancel (Twisted issue #4318)
    Deferred<String> d =
        clock.deferLater(Duration.ofSeconds(1), () -> {
          calls.add("called");
          return "x";
        });
    d.cancel();
    failureResultOf(d, CancelledException.class);
    assertThat(clock.getDelayedCalls()).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(calls).isEmpty();
  }

  @Test
  void aDeferredReturnedByTheCallableIsChained() {
    Deferred<String> inner = new Deferred<>();
    Deferred<Deferred<String>> raw = clock.deferLater(Duration.ofSeconds(1), () -> inner);
    @SuppressWarnings("unchecked")
    Deferred<String> d = (Deferred<String>) (Deferred<?>) raw;
    clock.advance(Duration.ofSeconds(1));
    assertNoResult(d);
    inner.callback("late");
    assertThat(successResultOf(d)).isEqualTo("late");
  }

  @Test
  void cancellingWhileWaitingOnTheCallablesDeferredCancelsThatDeferred() {
    Deferred<String> inner = new Deferred<>();
    @SuppressWarnings("unchecked")
    Deferred<String> d =
        (Deferred<String>) (Deferred<?>) clock.deferLater(Duration.ofSeconds(1), () -> inner);
    clock.advance(Duration.ofSeconds(1));
    d.cancel();
    // The inner Deferred was cancelled; its failure moved on to d (the inner's result is consumed).
    assertThat(inner.isCalled()).isTrue();
    failureResultOf(d, CancelledException.class);
  }

  @Test
  void sleepFiresWithNullAfterTheDelay() {
    // test_task.py: test_noCallback
    Deferred<Void> d = clock.sleep(Duration.ofSeconds(2));
    assertNoResult(d);
    clock.advance(Duration.ofSeconds(2));
    assertThat(successResultOf(d)).isNull();
  }
}
