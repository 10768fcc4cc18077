package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The basic chain: firing, the dispatch rules between the callback and errback sides, and callbacks
 * added while the chain runs (test_defer.py: DeferredTests).
 */
class DeferredCallbackTest {
  private final List<Object> seen = new ArrayList<>();

  @Test
  void callbackPassesTheValueToTheCallback() {
    // test_defer.py: testCallbackWithoutArgs
    Deferred<String> d = new Deferred<>();
    d.addCallback(v -> seen.add(v));

    d.callback("hello");

    assertThat(seen).containsExactly("hello");
  }

  @Test
  void eachCallbackReceivesWhatThePreviousOneReturned() {
    // test_defer.py: testTwoCallbacks
    Deferred<String> d = new Deferred<>();
    Deferred<Integer> typed = d.addCallback(String::length).addCallback(n -> n * 10);

    d.callback("hello");

    assertThat(successResultOf(typed)).isEqualTo(50);
  }

  @Test
  void callbacksRunBeforeCallbackReturns() {
    Deferred<String> d = new Deferred<>();
    d.addCallback(v -> seen.add("first " + v)).addCallback(v -> seen.add("second"));

    d.callback("x");
    seen.add("after callback()");

    assertThat(seen).containsExactly("first x", "second", "after callback()");
  }

  @Test
  void addCallbackReturnsTheSameDeferredRetyped() {
    Deferred<String> d = new Deferred<>();

    Deferred<Integer> retyped = d.addCallback(String::length);

    assertThat((Object) retyped).isSameAs(d);
  }

  @Test
  void callbackAddedAfterFiringRunsBeforeAddCallbackReturns() {
    // test_defer.py: testImmediateSuccess
    Deferred<String> d = Deferred.succeed("success");

    d.addCallback(v -> seen.add(v));

    assertThat(seen).containsExactly("success");
  }

  @Test
  void errbackAddedAfterFailingRunsAtOnce() {
    // test_defer.py: testImmediateFailure
    Deferred<String> d = Deferred.fail(new IllegalStateException("fail"));

    d.addErrback(
        f -> {
          seen.add(f.getErrorMessage());
          return null;
        });

    assertThat(seen).containsExactly("fail");
  }

  @Test
  void chainKeepsItsLastResultForCallbacksAddedLater() {
    // twisted-semantics.md 1.5 rule 9
    Deferred<Integer> d = new Deferred<>();
    Deferred<Integer> doubled = d.addCallback(n -> n * 2);
    d.callback(21);
    assertThat(successResultOf(doubled)).isEqualTo(42);

    Deferred<Integer> plusOne = doubled.addCallback(n -> n + 1);

    assertThat(successResultOf(plusOne)).isEqualTo(43);
  }

  @Test
  void nullIsALegalSuccessValue() {
    Deferred<String> d = new Deferred<>();
    d.addCallback(v -> seen.add(v == null ? "got null" : v));

    d.callback(null);

    assertThat(seen).containsExactly("got null");
    assertThat(d.isCalled()).isTrue();
  }

  @Test
  void callbacksPassFailuresByAndErrbacksPassValuesBy() {
    Deferred<String> d = new Deferred<>();
    d.addErrback(f -> "errback ran on a value");

    d.callback("value");
    d.addCallback(v -> seen.add(v));

    assertThat(seen).containsExactly("value");

    Deferred<String> failed = Deferred.fail(new IOException("refused"));
    failed.addCallback(v -> seen.add("callback ran on a failure"));
    assertThat(failureResultOf(failed, IOException.class).getErrorMessage()).isEqualTo("refused");
    assertThat(seen).containsExactly("value");
  }

  @Test
  void callbackThatThrowsSwitchesTheChainToTheErrbackSide() {
    // test_defer.py: testCallbackErrors
    ArithmeticException boom = new ArithmeticException("/ by zero");
    Deferred<Integer> d = new Deferred<>();
    d.addCallback(
            v -> {
              throw boom;
            })
        .addCallback(v -> seen.add("later callback"))
        .addErrback(f -> seen.add(f.value()));

    d.callback(1);

    assertThat(seen).containsExactly(boom);
  }

  @Test
  void callbackThatThrowsACheckedExceptionFailsWithThatVeryException() {
    IOException refused = new IOException("connection refused");
    Deferred<String> d = new Deferred<>();
    d.addCallback(
        v -> {
          throw refused;
        });

    d.callback("x");

    assertThat(failureResultOf(d, IOException.class).value()).isSameAs(refused);
  }

  @Test
  void callbackThatThrowsAnErrorIsCapturedLikeAnyException() {
    // twisted-semantics.md conventions: Twisted captures everything a callback raises.
    AssertionError error = new AssertionError("an Error, not an Exception");
    Deferred<String> d = new Deferred<>();
    d.addCallback(
        v -> {
          throw error;
        });

    d.callback("x");

    assertThat(failureResultOf(d).value()).isSameAs(error);
  }

  @Test
  void callbackThatReturnsAFailureSwitchesToTheErrbackSideWithThatFailure() {
    // test_defer.py: testCallbackErrors, test_callbackMaybeReturnsFailure
    Failure failure = new Failure(new IllegalStateException("returned, not thrown"));
    Deferred<Object> d = new Deferred<>();
    d.addCallback(v -> failure).addCallback(v -> seen.add("callback after the failure"));

    d.callback(6);

    assertThat(failureResultOf(d)).isSameAs(failure);
    assertThat(seen).isEmpty();
  }

  @Test
  void errbackThatReturnsAValueRecoversToTheCallbackSide() {
    Deferred<String> d = new Deferred<>();
    d.addErrback(f -> "recovered from " + f.getErrorMessage()).addCallback(v -> seen.add(v));

    d.errback(new IOException("refused"));

    assertThat(seen).containsExactly("recovered from refused");
  }

  @Test
  void errbackThatReturnsTheFailureStaysOnTheErrbackSide() {
    Deferred<Object> d = new Deferred<>();
    Failure original = new Failure(new IOException("refused"));
    d.addErrback(f -> f).addCallback(v -> seen.add("callback after the errback"));

    d.errback(original);

    assertThat(failureResultOf(d)).isSameAs(original);
    assertThat(seen).isEmpty();
  }

  @Test
  void errbackThatThrowsReplacesTheFailure() {
    IllegalStateException translated = new IllegalStateException("translated");
    Deferred<String> d = new Deferred<>();
    d.addErrback(
        f -> {
          throw translated;
        });

    d.errback(new IOException("original"));

    assertThat(failureResultOf(d).value()).isSameAs(translated);
  }

  @Test
  void errbackThatTrapsAnotherTypePassesTheOriginalExceptionOn() {
    // test_failure.py: test_trapRaisesWrappedException (trap inside an errback)
    IOException original = new IOException("not mine");
    Deferred<String> d = new Deferred<>();
    d.addErrback(
            f -> {
              f.trap(IllegalArgumentException.class);
              return "handled";
            })
        .addErrback(
            f -> {
              seen.add(f.value());
              return "second errback";
            });

    d.errback(original);

    assertThat(seen).containsExactly(original);
    assertThat(successResultOf(d)).isEqualTo("second errback");
  }

  @Test
  void addCallbacksRunsExactlyOneOfThePairAndNeitherSeesWhatTheOtherDid() {
    // test_defer.py: testAlreadyCalled_* use addCallbacks; pairs are one entry (1.3)
    Deferred<String> d = new Deferred<>();
    d.addCallbacks(
            v -> {
              seen.add("callback " + v);
              throw new IllegalStateException("thrown by the pair's callback");
            },
            f -> {
              seen.add("the pair's own errback");
              return false;
            })
        .addErrback(
            f -> {
              seen.add("next errback: " + f.getErrorMessage());
              return true;
            });

    d.callback("v");

    assertThat(seen).containsExactly("callback v", "next errback: thrown by the pair's callback");
  }

  @Test
  void addCallbacksRunsTheErrbackOfThePairOnAFailure() {
    Deferred<String> d = new Deferred<>();
    Deferred<Integer> typed = d.addCallbacks(String::length, f -> -1);

    d.errback(new IOException("refused"));

    assertThat(successResultOf(typed)).isEqualTo(-1);
  }

  @Test
  void addBothSeesTheValueWithANullFailureOnTheSuccessSide() {
    Deferred<String> d = new Deferred<>();
    AtomicReference<Failure> failureSeen = new AtomicReference<>(new Failure(new Exception()));
    d.addBoth(
        (v, f) -> {
          seen.add(v);
          failureSeen.set(f);
          return v;
        });

    d.callback("value");

    assertThat(seen).containsExactly("value");
    assertThat(failureSeen.get()).isNull();
  }

  @Test
  void addBothSeesTheFailureWithANullValueAndCanRecover() {
    Deferred<String> d = new Deferred<>();
    Deferred<String> recovered =
        d.addBoth(
            (v, f) -> {
              seen.add(v);
              seen.add(f.type());
              return "recovered";
            });

    d.errback(new IOException("refused"));

    assertThat(seen).containsExactly(null, IOException.class);
    assertThat(successResultOf(recovered)).isEqualTo("recovered");
  }

  @Test
  void callbackGivenAFailureFiresTheErrbackSideWithThatFailure() {
    // twisted-semantics.md 1.4: callback(failure) is errback(failure)
    Failure failure = new Failure(new IOException("refused"));
    Deferred<Object> d = new Deferred<>();
    d.addCallback(v -> seen.add("callback"));

    d.callback(failure);

    assertThat(seen).isEmpty();
    assertThat(failureResultOf(d)).isSameAs(failure);
  }

  @Test
  void errbackWithAThrowableWrapsThatVeryThrowable() {
    IOException refused = new IOException("refused");
    Deferred<String> d = new Deferred<>();

    d.errback(refused);

    assertThat(failureResultOf(d).value()).isSameAs(refused);
  }

  @Test
  void failWithAFailureDeliversThatVeryFailure() {
    Failure failure = new Failure(new IOException("refused"));

    Deferred<String> d = Deferred.fail(failure);

    assertThat(d.isCalled()).isTrue();
    assertThat(failureResultOf(d)).isSameAs(failure);
  }

  @Test
  void succeedReturnsAFiredDeferred() {
    // test_defer.py: test_succeedMatchesManualSuccess
    Deferred<String> d = Deferred.succeed("done");

    assertThat(d.isCalled()).isTrue();
    assertThat(successResultOf(d)).isEqualTo("done");
  }

  @Test
  void newDeferredIsNotCalledUntilFired() {
    Deferred<String> d = new Deferred<>();

    assertThat(d.isCalled()).isFalse();
    d.callback("x");
    assertThat(d.isCalled()).isTrue();
  }

  @Test
  void callbackGivenADeferredIsRejectedAndLeavesTheDeferredUnfired() {
    // twisted-semantics.md 1.4 / 6.6: Twisted dropped the check for speed; we keep rejecting it.
    Deferred<Object> d = new Deferred<>();
    Deferred<String> other = new Deferred<>();

    assertThatThrownBy(() -> d.callback(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chainDeferred");

    assertThat(d.isCalled()).isFalse();
    d.callback("a plain value");
    assertThat(successResultOf(d)).isEqualTo("a plain value");
  }

  @Test
  void nullFunctionsAreRejectedAtOnce() {
    Deferred<String> d = new Deferred<>();

    assertThatThrownBy(() -> d.addCallback(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.addErrback(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.addBoth(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.addCallbacks(v -> v, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.errback((Failure) null)).isInstanceOf(NullPointerException.class);
    assertThat(d.isCalled()).isFalse();
  }

  @Test
  void callbackAddedByARunningCallbackGoesToTheEndOfTheChain() {
    // test_defer.py: test_reentrantRunCallbacks
    Deferred<String> d = new Deferred<>();
    d.addCallback(
            v -> {
              seen.add(1);
              d.addCallback(w -> seen.add(3));
              return v;
            })
        .addCallback(
            v -> {
              seen.add(2);
              return v;
            });

    d.callback("x");

    assertThat(seen).containsExactly(1, 2, 3);
  }

  @Test
  void callbackAddedByARunningCallbackWaitsUntilThatCallbackReturns() {
    // test_defer.py: test_nonReentrantCallbacks
    Deferred<String> d = new Deferred<>();
    d.addCallback(
        v -> {
          seen.add(1);
          d.addCallback(w -> seen.add(2));
          seen.add("still inside the first callback");
          return v;
        });

    d.callback("x");

    assertThat(seen).containsExactly(1, "still inside the first callback", 2);
  }

  @Test
  void exceptionFromACallbackAddedByARunningCallbackFailsTheChain() {
    // test_defer.py: test_reentrantRunCallbacksWithFailure
    Deferred<String> d = new Deferred<>();
    d.addCallback(
        v -> {
          d.addCallback(
              w -> {
                throw new IllegalStateException("callback raised exception");
              });
          return v;
        });

    d.callback("x");

    assertThat(failureResultOf(d, IllegalStateException.class).getErrorMessage())
        .isEqualTo("callback raised exception");
  }

  @Test
  void callbackMayFireAnotherDeferredWhoseCallbacksRunInsideIt() {
    Deferred<String> first = new Deferred<>();
    Deferred<String> second = new Deferred<>();
    second.addCallback(v -> seen.add("second got " + v));
    first.addCallback(
        v -> {
          seen.add("first got " + v);
          second.callback(v + "!");
          seen.add("first done");
          return v;
        });

    first.callback("go");

    assertThat(seen).containsExactly("first got go", "second got go!", "first done");
  }
}
