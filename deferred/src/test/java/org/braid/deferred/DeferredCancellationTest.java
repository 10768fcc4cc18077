package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code cancel()} and cancellers (test_defer.py: DeferredCancellerTests; 1.9). */
class DeferredCancellationTest {
  private final List<Object> callbackResults = new ArrayList<>();
  private final List<Failure> errbackResults = new ArrayList<>();
  private final AtomicInteger cancellerCalls = new AtomicInteger();
  private final LogCapture log = LogCapture.ofDeferredLogger();

  @AfterEach
  void cancellerRanAtMostOnce() {
    log.close();
    // test_defer.py: DeferredCancellerTests.tearDown
    assertThat(cancellerCalls.get()).isBetween(0, 1);
  }

  private <T> void record(Deferred<T> d) {
    d.addCallbacks(
        v -> {
          callbackResults.add(v);
          return v;
        },
        f -> {
          errbackResults.add(f);
          return null;
        });
  }

  private <T> Canceller<T> countingCanceller() {
    return d -> cancellerCalls.incrementAndGet();
  }

  @Test
  void cancellingWithoutCancellerFailsWithCancelledException() {
    // test_defer.py: test_noCanceller
    Deferred<String> d = new Deferred<>();
    record(d);

    d.cancel();

    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
    assertThat(callbackResults).isEmpty();
    assertThat(d.isCalled()).isTrue();
  }

  @Test
  void withoutCancellerOneLateCallbackIsSwallowedAndTheNextThrows() {
    // test_defer.py: test_raisesAfterCancelAndCallback
    Deferred<String> d = new Deferred<>();
    record(d);
    d.cancel();

    d.callback("the producer did not know");

    assertThatThrownBy(() -> d.callback("again")).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> d.errback(new IOException()))
        .isInstanceOf(AlreadyCalledException.class);
    assertThat(callbackResults).isEmpty();
  }

  @Test
  void withoutCancellerOneLateErrbackIsSwallowedAndTheNextThrows() {
    // test_defer.py: test_raisesAfterCancelAndErrback
    Deferred<String> d = new Deferred<>();
    record(d);
    d.cancel();

    d.errback(new IOException("the producer did not know"));

    assertThatThrownBy(() -> d.callback("again")).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> d.errback(new IOException()))
        .isInstanceOf(AlreadyCalledException.class);
    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
  }

  @Test
  void swallowedLateCallbackAndRepeatedCancelsKeepTheFirstFailure() {
    // test_defer.py: test_noCancellerMultipleCancelsAfterCancelAndCallback,
    // test_noCancellerMultipleCancelsAfterCancelAndErrback
    Deferred<String> d = new Deferred<>();
    List<Failure> failures = new ArrayList<>();
    d.addErrback(
        f -> {
          failures.add(f);
          throw f.raiseException();
        });
    d.cancel();
    Failure first = failures.get(0);

    d.errback(new IOException("swallowed"));
    d.cancel();
    d.cancel();

    assertThat(failures).containsExactly(first);
    assertThat(failureResultOf(d).value()).isSameAs(first.value());
  }

  @Test
  void cancellerRunsOnceHoweverOftenCancelIsCalled() {
    // test_defer.py: test_cancellerMultipleCancel
    Deferred<String> d = new Deferred<>(countingCanceller());
    record(d);

    d.cancel();
    d.cancel();

    assertThat(cancellerCalls).hasValue(1);
    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
  }

  @Test
  void withACancellerLateCallbacksAreNotSwallowed() {
    // test_defer.py: test_simpleCanceller
    Deferred<String> d = new Deferred<>(countingCanceller());
    record(d);

    d.cancel();

    assertThat(cancellerCalls).hasValue(1);
    assertThatThrownBy(() -> d.callback("late")).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> d.errback(new IOException()))
        .isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void cancellerReceivesTheDeferredBeingCancelledWhileStillUnfired() {
    // test_defer.py: test_cancellerArg
    List<Deferred<String>> received = new ArrayList<>();
    List<Boolean> calledAtTheTime = new ArrayList<>();
    Deferred<String> d =
        new Deferred<>(
            c -> {
              received.add(c);
              calledAtTheTime.add(c.isCalled());
            });

    d.cancel();

    assertThat(received).containsExactly(d);
    assertThat(calledAtTheTime).containsExactly(false);
    failureResultOf(d, CancelledException.class);
  }

  @Test
  void cancellingAfterCallbackDoesNothing() {
    // test_defer.py: test_cancelAfterCallback
    Deferred<String> d =
        new Deferred<>(
            c -> {
              cancellerCalls.incrementAndGet();
              c.errback(new IOException("canceller ran"));
            });
    record(d);
    d.callback("biff!");

    d.cancel();

    assertThat(cancellerCalls).hasValue(0);
    assertThat(errbackResults).isEmpty();
    assertThat(callbackResults).containsExactly("biff!");
  }

  @Test
  void cancellingAfterErrbackDoesNothing() {
    // test_defer.py: test_cancelAfterErrback
    Deferred<String> d =
        new Deferred<>(
            c -> {
              cancellerCalls.incrementAndGet();
              c.callback("canceller ran");
            });
    record(d);
    d.errback(new IOException("original"));

    d.cancel();

    assertThat(cancellerCalls).hasValue(0);
    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.getErrorMessage()).isEqualTo("original"));
    assertThat(callbackResults).isEmpty();
  }

  @Test
  void cancellerThatErrbacksDeliversItsOwnFailure() {
    // test_defer.py: test_cancellerThatErrbacks
    IOException error = new IOException("aborted by the canceller");
    Deferred<String> d =
        new Deferred<>(
            c -> {
              cancellerCalls.incrementAndGet();
              c.errback(error);
            });
    record(d);

    d.cancel();

    assertThat(cancellerCalls).hasValue(1);
    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.value()).isSameAs(error));
  }

  @Test
  void cancellerThatCallbacksPreventsTheCancelledException() {
    // test_defer.py: test_cancellerThatCallbacks
    Deferred<String> d =
        new Deferred<>(
            c -> {
              cancellerCalls.incrementAndGet();
              c.callback("hello!");
            });
    record(d);

    d.cancel();

    assertThat(cancellerCalls).hasValue(1);
    assertThat(callbackResults).containsExactly("hello!");
    assertThat(errbackResults).isEmpty();
  }

  @Test
  void cancellingADeferredWaitingOnAnotherCancelsTheOtherInstead() {
    // test_defer.py: test_cancelNestedDeferred
    Deferred<Object> b = new Deferred<>(countingCanceller());
    Deferred<Object> a =
        new Deferred<>(
            c -> {
              throw new AssertionError("the outer canceller must not be called");
            });
    a.callback(null);
    a.addCallback(data -> b);

    a.cancel();
    record(a);

    assertThat(cancellerCalls).hasValue(1);
    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
    assertThat(successResultOf(b)).as("b's failure moved to a").isNull();
  }

  @Test
  void cancellingTheOuterOfThreeChainedDeferredsCancelsTheInnermost() {
    Deferred<Object> innermost = new Deferred<>(countingCanceller());
    Deferred<Object> middle = Deferred.succeed(null);
    middle.addCallback(v -> innermost);
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> middle);

    outer.cancel();

    assertThat(cancellerCalls).hasValue(1);
    failureResultOf(outer, CancelledException.class);
  }

  @Test
  void cancellingAChainDeferredTargetCancelsTheTargetNotItsSource() {
    // twisted-semantics.md 1.9: only a Deferred a callback returned is forwarded to
    Deferred<String> source = new Deferred<>(countingCanceller());
    Deferred<String> target = new Deferred<>();
    source.chainDeferred(target);

    target.cancel();

    assertThat(cancellerCalls).hasValue(0);
    assertNoResult(source);
    failureResultOf(target, CancelledException.class);
  }

  @Test
  void cancellingAPausedDeferredRecordsTheFailureButRunsNothingUntilUnpaused() {
    // twisted-semantics.md 1.9: cancelling does not bypass pause
    Deferred<String> d = new Deferred<>();
    record(d);
    d.pause();

    d.cancel();
    assertThat(d.isCalled()).isTrue();
    assertThat(errbackResults).isEmpty();
    d.unpause();

    assertThat(errbackResults)
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(CancelledException.class));
  }

  @Test
  void cancellerThatThrowsDoesNotEscapeCancelAndTheDeferredStillFails() {
    // Twisted leaves the Deferred unfired and lets the exception escape (issues #6676, #9534).
    IllegalStateException broken = new IllegalStateException("canceller is broken");
    Deferred<String> d =
        new Deferred<>(
            c -> {
              cancellerCalls.incrementAndGet();
              throw broken;
            });

    assertThatCode(d::cancel).doesNotThrowAnyException();

    Failure failure = failureResultOf(d, CancelledException.class);
    assertThat(failure.value().getCause()).isSameAs(broken);
    assertThat(cancellerCalls).hasValue(1);
  }

  @Test
  void cancellerThatThrowsIsLoggedAtWarnWithTheException() {
    Deferred<String> d =
        new Deferred<>(
            c -> {
              throw new IllegalStateException("canceller broke: token-7f3a");
            });

    d.cancel();

    assertThat(log.eventsMentioning("token-7f3a", Level.WARN))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage()).contains("canceller of Deferred@");
              assertThat(e.getThrowableProxy().getClassName())
                  .isEqualTo(IllegalStateException.class.getName());
            });
    failureResultOf(d, CancelledException.class);
  }

  @Test
  void cancellerThatFiresAndThenThrowsKeepsTheResultItFired() {
    Deferred<String> d =
        new Deferred<>(
            c -> {
              c.callback("fired before throwing");
              throw new IllegalStateException("then broke");
            });

    assertThatCode(d::cancel).doesNotThrowAnyException();

    assertThat(successResultOf(d)).isEqualTo("fired before throwing");
  }

  @Test
  void nullCancellerIsRejectedAtOnce() {
    assertThatThrownBy(() -> new Deferred<String>(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void cancellingAFiredDeferredChangesNothingAndThrowsNothing() {
    Deferred<String> d = Deferred.succeed("done");

    assertThatCode(d::cancel).doesNotThrowAnyException();

    assertThat(successResultOf(d)).isEqualTo("done");
  }

  @Test
  void firingDropsTheCancellerSoItCanBeCollected() {
    // test_defer.py: test_canceller_circular_reference_callback
    List<Deferred<Object>> holder = new ArrayList<>();
    WeakReference<DummyCanceller> canceller = newDeferredWithCanceller(holder);
    Deferred<Object> d = holder.get(0);

    d.callback("fired");

    assertThat(log.awaitWhileCollectingGarbage(() -> canceller.get() == null))
        .as("canceller collected while its Deferred is still reachable")
        .isTrue();
    assertThat(successResultOf(d)).isEqualTo("fired");
  }

  @Test
  void failingDropsTheCancellerSoItCanBeCollected() {
    // test_defer.py: test_canceller_circular_reference_errback
    List<Deferred<Object>> holder = new ArrayList<>();
    WeakReference<DummyCanceller> canceller = newDeferredWithCanceller(holder);
    Deferred<Object> d = holder.get(0);

    d.errback(new IOException("failed"));

    assertThat(log.awaitWhileCollectingGarbage(() -> canceller.get() == null))
        .as("canceller collected while its Deferred is still reachable")
        .isTrue();
    failureResultOf(d, IOException.class);
  }

  @Test
  void firingDropsTheCancellerEvenWhenTheChainThenWaitsOnAnotherDeferred() {
    // test_defer.py: test_canceller_circular_reference_non_final
    List<Deferred<Object>> holder = new ArrayList<>();
    WeakReference<DummyCanceller> canceller = newDeferredWithCanceller(holder);
    Deferred<Object> d = holder.get(0);
    Deferred<Object> inner = new Deferred<>();
    d.addCallback(v -> inner);

    d.callback(null);

    assertThat(log.awaitWhileCollectingGarbage(() -> canceller.get() == null))
        .as("canceller collected while its Deferred is still reachable")
        .isTrue();
    inner.callback("done");
    assertThat(successResultOf(d)).isEqualTo("done");
  }

  /** A canceller that refers back to its Deferred, as in Twisted's test: a reference cycle. */
  private static final class DummyCanceller implements Canceller<Object> {
    Deferred<Object> deferred;

    @Override
    public void cancel(Deferred<Object> d) {
      throw new AssertionError("not expected to be called: " + deferred);
    }
  }

  /**
   * Creates a Deferred with a canceller that refers back to it, hands the Deferred out through
   * {@code holder} and keeps only a weak reference to the canceller (from a separate frame, so no
   * local variable keeps it alive).
   */
  private static WeakReference<DummyCanceller> newDeferredWithCanceller(
      List<Deferred<Object>> holder) {
    DummyCanceller canceller = new DummyCanceller();
    Deferred<Object> d = new Deferred<>(canceller);
    canceller.deferred = d;
    holder.add(d);
    return new WeakReference<>(canceller);
  }
}
