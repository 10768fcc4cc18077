package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code addTimeout} on a deterministic clock (test_defer.py: DeferredAddTimeoutTests;
 * twisted-semantics.md 1.10). The error is {@link TimeoutException} caused by the cancellation.
 */
class DeferredTimeoutTest {
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  private static final Duration FIFTEEN_SECONDS = Duration.ofSeconds(15);

  /** test_defer.py's _overrideFunc, plus a record of what it was given. */
  private final List<Object> overrideArguments = new ArrayList<>();

  private final Deferred.OnTimeout<Object> overridden =
      (value, failure, timeout) -> {
        overrideArguments.add(value);
        overrideArguments.add(failure == null ? null : failure.type());
        overrideArguments.add(timeout);
        return "OVERRIDDEN";
      };

  private final ManualScheduler clock = new ManualScheduler();

  @Test
  void addTimeoutReturnsTheSameDeferredSoTheChainGoesOn() {
    // test_defer.py: test_timeoutChainable
    Deferred<Object> d = new Deferred<>();

    Deferred<Object> returned = d.addTimeout(Duration.ofSeconds(5), clock);
    returned.addCallback(ignored -> "done");
    d.callback(null);

    assertThat(returned).isSameAs(d);
    assertThat(successResultOf(d)).isEqualTo("done");
  }

  @Test
  void unfiredDeferredFailsWithTimeoutExceptionCausedByTheCancellation() {
    // test_defer.py: test_timedOut
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);
    assertNoResult(d);

    clock.advance(FIFTEEN_SECONDS);

    Failure failure = failureResultOf(d, TimeoutException.class);
    assertThat(failure.value()).hasMessageContaining(TEN_SECONDS.toString());
    assertThat(failure.value().getCause()).isInstanceOf(CancelledException.class);
  }

  @Test
  void timeoutFiresWhenTheClockReachesItAndNotBefore() {
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(TEN_SECONDS.minusMillis(1));
    assertNoResult(d);
    clock.advance(Duration.ofMillis(1));

    failureResultOf(d, TimeoutException.class);
  }

  @Test
  void successBeforeTheTimeoutPassesThroughAndNeverCancelsALaterInnerDeferred() {
    // test_defer.py: test_successResultBeforeTimeout
    Deferred<String> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);
    Deferred<Object> inner = new Deferred<>();
    List<String> callbacked = new ArrayList<>();
    d.addCallbackDeferring(
        results -> {
          callbacked.add(results);
          return inner;
        });

    d.callback("results");
    assertThat(callbacked).containsExactly("results");
    clock.advance(FIFTEEN_SECONDS);

    assertNoResult(inner);
  }

  @Test
  void successBeforeTheTimeoutNeverCallsTheCustomTranslation() {
    // test_defer.py: test_successResultBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock, overridden);
    Deferred<Object> inner = new Deferred<>();
    d.addCallback(results -> inner);

    d.callback("results");
    clock.advance(FIFTEEN_SECONDS);

    assertNoResult(inner);
    assertThat(overrideArguments).isEmpty();
  }

  @Test
  void failureBeforeTheTimeoutPassesThroughAndNeverCancelsALaterInnerDeferred() {
    // test_defer.py: test_failureBeforeTimeout
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);
    Deferred<Object> inner = new Deferred<>();
    List<Failure> errbacked = new ArrayList<>();
    IOException error = new IOException("fail");
    d.addErrback(
        f -> {
          errbacked.add(f);
          return inner;
        });

    d.errback(error);
    assertThat(errbacked).singleElement().satisfies(f -> assertThat(f.value()).isSameAs(error));
    clock.advance(FIFTEEN_SECONDS);

    assertNoResult(inner);
  }

  @Test
  void failureBeforeTheTimeoutNeverCallsTheCustomTranslation() {
    // test_defer.py: test_failureBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock, overridden);
    Deferred<Object> inner = new Deferred<>();
    d.addErrback(f -> inner);

    d.errback(new IOException("fail"));
    clock.advance(FIFTEEN_SECONDS);

    assertNoResult(inner);
    assertThat(overrideArguments).isEmpty();
  }

  @Test
  void firingBeforeTheTimeoutCancelsTheTimer() {
    Deferred<String> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);
    assertThat(clock.pendingCount()).isEqualTo(1);

    d.callback("in time");

    assertThat(clock.pendingCount()).isZero();
    assertThat(successResultOf(d)).isEqualTo("in time");
  }

  @Test
  void addTimeoutOnAFiredDeferredLeavesNoTimerBehind() {
    Deferred<String> d = Deferred.succeed("already");

    d.addTimeout(TEN_SECONDS, clock);

    assertThat(clock.pendingCount()).isZero();
    assertThat(successResultOf(d)).isEqualTo("already");
  }

  @Test
  void customTranslationReplacesTheResultOnTimeoutAndReceivesTheCancellation() {
    // test_defer.py: test_timedOutCustom
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock, overridden);
    assertNoResult(d);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(successResultOf(d)).isEqualTo("OVERRIDDEN");
    assertThat(overrideArguments).containsExactly(null, CancelledException.class, TEN_SECONDS);
  }

  @Test
  void customTranslationThatThrowsFailsTheDeferredWithThatException() {
    IllegalStateException translated = new IllegalStateException("my own timeout error");
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(
        TEN_SECONDS,
        clock,
        (value, failure, timeout) -> {
          throw translated;
        });

    clock.advance(FIFTEEN_SECONDS);

    assertThat(failureResultOf(d).value()).isSameAs(translated);
  }

  @Test
  void cancellerThatCallbacksTurnsTheTimeoutIntoThatSuccess() {
    // test_defer.py: test_timedOutProvidedCancelSuccess
    Deferred<String> d = new Deferred<>(c -> c.callback("I was cancelled!"));
    d.addTimeout(TEN_SECONDS, clock);
    assertNoResult(d);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(successResultOf(d)).isEqualTo("I was cancelled!");
  }

  @Test
  void cancellerThatErrbacksKeepsItsOwnErrorInsteadOfTimeoutException() {
    // test_defer.py: test_timedOutProvidedCancelFailure
    IOException error = new IOException("what!");
    Deferred<String> d = new Deferred<>(c -> c.errback(error));
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(failureResultOf(d, IOException.class).value()).isSameAs(error);
  }

  @Test
  void cancellerThatErrbacksIsStillTranslatedByTheCustomFunction() {
    // test_defer.py: test_providedCancelCalledBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>(c -> c.errback(new IOException("what!")));
    d.addTimeout(TEN_SECONDS, clock, overridden);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(successResultOf(d)).isEqualTo("OVERRIDDEN");
    assertThat(overrideArguments.get(1)).isEqualTo(IOException.class);
  }

  @Test
  void cancellerThatThrowsStillEndsInTimeoutException() {
    // Twisted's addTimeout never fires in this case (issues #6676, #9534; synapse PR #3910).
    IllegalStateException broken = new IllegalStateException("broken canceller");
    Deferred<String> d =
        new Deferred<>(
            c -> {
              throw broken;
            });
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(FIFTEEN_SECONDS);

    Throwable timeout = failureResultOf(d, TimeoutException.class).value();
    assertThat(timeout.getCause()).isInstanceOf(CancelledException.class);
    assertThat(timeout.getCause().getCause()).isSameAs(broken);
  }

  @Test
  void manualCancelBeforeTheTimeoutGivesPlainCancelledExceptionAndTheTimerNeverCancelsAgain() {
    // test_defer.py: test_cancelBeforeTimeout
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock);
    Deferred<Object> inner = new Deferred<>();
    List<Failure> cancelled = new ArrayList<>();
    d.addErrback(
        f -> {
          cancelled.add(f);
          return inner;
        });

    d.cancel();
    assertThat(cancelled)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
    clock.advance(FIFTEEN_SECONDS);

    assertNoResult(inner);
    assertThat(clock.pendingCount()).isZero();
  }

  @Test
  void manualCancelBeforeTheTimeoutNeverCallsTheCustomTranslation() {
    // test_defer.py: test_cancelBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(TEN_SECONDS, clock, overridden);
    Deferred<Object> inner = new Deferred<>();
    List<Failure> cancelled = new ArrayList<>();
    d.addErrback(
        f -> {
          cancelled.add(f);
          return inner;
        });

    d.cancel();
    clock.advance(FIFTEEN_SECONDS);

    assertThat(cancelled)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
    assertNoResult(inner);
    assertThat(overrideArguments).isEmpty();
  }

  @Test
  void errbackAddedBeforeTheTimeoutSeesTheCancellationAndPassingItOnGivesTimeoutException() {
    // test_defer.py: test_errbackAddedBeforeTimeout
    Deferred<Object> d = new Deferred<>();
    List<Failure> errbacked = new ArrayList<>();
    d.addErrback(
        f -> {
          errbacked.add(f);
          return f;
        });
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(errbacked)
        .singleElement()
        .satisfies(f -> assertThat(f.value()).isInstanceOf(CancelledException.class));
    failureResultOf(d, TimeoutException.class);
  }

  @Test
  void errbackAddedBeforeTheTimeoutThatSwallowsTheCancellationMakesTheDeferredSucceed() {
    // test_defer.py: test_errbackAddedBeforeTimeoutSuppressesCancellation
    Deferred<Object> d = new Deferred<>();
    List<Failure> errbacked = new ArrayList<>();
    d.addErrback(
        f -> {
          errbacked.add(f);
          f.trap(CancelledException.class);
          return null;
        });
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(errbacked)
        .singleElement()
        .satisfies(f -> assertThat(f.value()).isInstanceOf(CancelledException.class));
    assertThat(successResultOf(d)).isNull();
  }

  @Test
  void errbackAddedBeforeTheTimeoutPassingItOnStillGetsTheCustomTranslation() {
    // test_defer.py: test_errbackAddedBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>();
    d.addErrback(f -> f);
    d.addTimeout(TEN_SECONDS, clock, overridden);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(successResultOf(d)).isEqualTo("OVERRIDDEN");
  }

  @Test
  void errbackAddedBeforeTheTimeoutSwallowingItStillGetsTheCustomTranslation() {
    // test_defer.py: test_errbackAddedBeforeTimeoutSuppressesCancellationCustom
    Deferred<Object> d = new Deferred<>();
    d.addErrback(f -> null);
    d.addTimeout(TEN_SECONDS, clock, overridden);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(successResultOf(d)).isEqualTo("OVERRIDDEN");
    assertThat(overrideArguments).containsExactly(null, null, TEN_SECONDS);
  }

  @Test
  void callbackAddedBeforeTheTimeoutRunsWhenTheCancellerCallbacks() {
    // test_defer.py: test_callbackAddedToCancelerBeforeTimeout
    String success = "success";
    Deferred<String> d = new Deferred<>(c -> c.callback(success));
    List<String> callbacked = new ArrayList<>();
    d.addCallback(
        value -> {
          callbacked.add(value);
          return value;
        });
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(callbacked).containsExactly(success);
    assertThat(successResultOf(d)).isSameAs(success);
  }

  @Test
  void callbackAddedBeforeTheTimeoutRunsAndTheCustomTranslationStillApplies() {
    // test_defer.py: test_callbackAddedToCancelerBeforeTimeoutCustom
    Deferred<Object> d = new Deferred<>(c -> c.callback("success"));
    List<Object> callbacked = new ArrayList<>();
    d.addCallback(
        value -> {
          callbacked.add(value);
          return value;
        });
    d.addTimeout(TEN_SECONDS, clock, overridden);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(callbacked).containsExactly("success");
    assertThat(successResultOf(d)).isEqualTo("OVERRIDDEN");
    assertThat(overrideArguments).containsExactly("success", null, TEN_SECONDS);
  }

  @Test
  void timeoutCancelsTheInnerDeferredThatAnEarlierCallbackIsWaitingOn() {
    // twisted-semantics.md 1.10: "if a callback added before addTimeout returned an unfired
    // Deferred, the timer stays armed and its expiry cancels that inner Deferred"
    List<String> innerCancelled = new ArrayList<>();
    Deferred<Object> inner = new Deferred<>(c -> innerCancelled.add("inner cancelled"));
    Deferred<Object> d = new Deferred<>();
    d.addCallback(v -> inner);
    d.addTimeout(TEN_SECONDS, clock);
    d.callback("go");
    assertNoResult(d);

    clock.advance(FIFTEEN_SECONDS);

    assertThat(innerCancelled).containsExactly("inner cancelled");
    failureResultOf(d, TimeoutException.class);
    assertThat(successResultOf(inner)).isNull();
  }

  @Test
  void secondTimeoutPassesTheFirstOnesTimeoutExceptionOnAndCancelsItsOwnTimer() {
    Deferred<Object> d = new Deferred<>();
    d.addTimeout(Duration.ofSeconds(5), clock);
    d.addTimeout(TEN_SECONDS, clock);

    clock.advance(Duration.ofSeconds(5));

    assertThat(failureResultOf(d, TimeoutException.class).value())
        .hasMessageContaining(Duration.ofSeconds(5).toString());
    assertThat(clock.pendingCount()).isZero();
  }

  @Test
  void nullArgumentsAreRejected() {
    Deferred<Object> d = new Deferred<>();

    assertThatThrownBy(() -> d.addTimeout(null, clock)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.addTimeout(TEN_SECONDS, null))
        .isInstanceOf(NullPointerException.class);
    assertThat(clock.pendingCount()).isZero();
  }
}
