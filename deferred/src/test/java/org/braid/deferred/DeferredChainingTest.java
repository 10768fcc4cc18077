package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deferreds waiting on Deferreds: implicit chaining (a callback returns a Deferred, twisted
 * semantics 1.6) and explicit chaining with {@code chainDeferred} (1.8).
 */
class DeferredChainingTest {
  private final List<Object> seen = new ArrayList<>();

  // ---------------------------------------------------------------------------------------------
  // Implicit chaining

  @Test
  void callbackReturningAnUnfiredDeferredHoldsTheChainUntilItFires() {
    // test_defer.py: test_callbackReturnsDeferred
    Deferred<Integer> outer = new Deferred<>();
    Deferred<Integer> inner = new Deferred<>();
    inner.pause();
    outer.addCallbackDeferring(v -> inner).addCallback(v -> seen.add(v));

    outer.callback(1);
    assertThat(seen).as("inner has no result yet").isEmpty();
    inner.callback(2);
    assertThat(seen).as("inner is paused").isEmpty();
    inner.unpause();

    assertThat(seen).containsExactly(2);
  }

  @Test
  void plainAddCallbackReturningADeferredIsChainedToo() {
    // Design decision: any Deferred a callback returns is chained; the *Deferring variants only
    // exist so that the types say so.
    Deferred<String> outer = new Deferred<>();
    Deferred<String> inner = new Deferred<>();
    Deferred<Object> chained = outer.addCallback(v -> inner);

    outer.callback("go");
    assertNoResult(chained);
    inner.callback("from inner");

    assertThat(successResultOf(chained)).isEqualTo("from inner");
  }

  @Test
  void errbackReturningADeferredHoldsTheChainUntilItFires() {
    // test_defer.py: test_errbackReturnsDeferred
    Deferred<String> d = new Deferred<>();
    Deferred<String> recovery = new Deferred<>();
    d.addErrbackDeferring(f -> recovery).addCallback(v -> seen.add(v));

    d.errback(new IOException("refused"));
    assertNoResult(d);
    assertThat(seen).isEmpty();
    recovery.callback("result");

    assertThat(seen).containsExactly("result");
  }

  @Test
  void addBothDeferringWaitsForTheReturnedDeferredOnEitherSide() {
    Deferred<String> d = new Deferred<>();
    Deferred<String> cleanup = new Deferred<>();
    Deferred<String> typed = d.addBothDeferring((v, f) -> cleanup);

    d.errback(new IOException("refused"));
    assertNoResult(typed);
    cleanup.callback("cleaned up");

    assertThat(successResultOf(typed)).isEqualTo("cleaned up");
  }

  @Test
  void returnedDeferredThatAlreadyHasAResultGivesItAtOnceAndKeepsNull() {
    // test_defer.py: test_synchronousImplicitChain
    Object result = new Object();
    Deferred<Object> first = Deferred.succeed(result);
    Deferred<Object> second = new Deferred<>();
    second.addCallback(ignored -> first);

    second.callback(null);

    assertThat(successResultOf(first)).isNull();
    assertThat(successResultOf(second)).isSameAs(result);
  }

  @Test
  void returnedDeferredFiredLaterGivesItsResultAndKeepsNull() {
    // test_defer.py: test_asynchronousImplicitChain
    Deferred<Object> first = new Deferred<>();
    Deferred<Object> second = new Deferred<>();
    second.addCallback(ignored -> first);
    second.callback(null);
    List<Object> firstResult = new ArrayList<>();
    List<Object> secondResult = new ArrayList<>();
    first.addCallback(firstResult::add);
    second.addCallback(secondResult::add);
    assertThat(firstResult).isEmpty();
    assertThat(secondResult).isEmpty();

    Object result = new Object();
    first.callback(result);

    assertThat(firstResult).containsExactly((Object) null);
    assertThat(secondResult).containsExactly(result);
  }

  @Test
  void returnedDeferredThatAlreadyFailedMovesItsFailureToTheOuterDeferred() {
    // test_defer.py: test_synchronousImplicitErrorChain
    IllegalStateException error = new IllegalStateException("First Deferred's Failure");
    Deferred<Object> first = Deferred.fail(error);
    Deferred<Object> second = new Deferred<>();
    second.addCallback(ignored -> first);

    second.callback(null);

    assertThat(successResultOf(first)).isNull();
    assertThat(failureResultOf(second).value()).isSameAs(error);
  }

  @Test
  void returnedDeferredThatFailsLaterMovesItsFailureToTheOuterDeferred() {
    // test_defer.py: test_asynchronousImplicitErrorChain
    Deferred<Object> first = new Deferred<>();
    Deferred<Object> second = new Deferred<>();
    second.addCallback(ignored -> first);
    second.callback(null);
    List<Failure> secondErrors = new ArrayList<>();
    second.addErrback(
        f -> {
          secondErrors.add(f);
          return "handled";
        });
    List<Object> firstResult = new ArrayList<>();
    first.addCallback(firstResult::add);

    first.errback(new IllegalStateException("First Deferred's Failure"));

    assertThat(secondErrors).hasSize(1);
    assertThat(secondErrors.get(0).check(IllegalStateException.class)).isNotNull();
    assertThat(firstResult).containsExactly((Object) null);
  }

  @Test
  void chainingIsTransitive() {
    // test_defer.py: test_doubleAsynchronousImplicitChaining
    Deferred<Object> first = new Deferred<>();
    Deferred<Object> second = new Deferred<>();
    second.addCallbackDeferring(ignored -> first);
    Deferred<Object> third = new Deferred<>();
    third.addCallbackDeferring(ignored -> second).addCallback(seen::add);
    second.callback(null);
    third.callback(null);
    assertThat(seen).isEmpty();

    Object result = new Object();
    first.callback(result);

    assertThat(seen).containsExactly(result);
  }

  @Test
  void callbacksAddedToAMiddleDeferredAfterChainingRunOnceTheLastFires() {
    // test_defer.py: test_resultOfDeferredResultOfDeferredOfFiredDeferredCalled
    Deferred<Object> first = new Deferred<>();
    Deferred<Object> second = new Deferred<>();
    Deferred<Object> third = new Deferred<>();
    first.addCallback(ignored -> second);
    second.addCallback(ignored -> third);
    second.callback(null);
    first.callback(null);
    third.callback(null);

    second.addCallback(seen::add);

    assertThat(seen).containsExactly((Object) null);
  }

  @Test
  void innerDeferredWaitingOnAThirdRunsItsCallbacksBeforeTheOuterResumes() {
    // test_defer.py: test_innerCallbacksPreserved, test_nestedAsynchronousChainedDeferreds
    Deferred<String> third = new Deferred<>();
    Deferred<String> outer = Deferred.succeed("outer");
    outer
        .addCallbackDeferring(
            v -> {
              seen.add("start-of-cb " + v);
              return Deferred.succeed("inner")
                  .addCallbackDeferring(
                      w -> {
                        seen.add("firstCallback " + w);
                        return third;
                      })
                  .addCallback(
                      w -> {
                        seen.add("secondCallback " + w);
                        return w + w;
                      });
            })
        .addCallback(seen::add);
    assertThat(seen).containsExactly("start-of-cb outer", "firstCallback inner");

    third.callback("orange");

    assertThat(seen)
        .containsExactly(
            "start-of-cb outer", "firstCallback inner", "secondCallback orange", "orangeorange");
  }

  @Test
  void callbacksAddedToTheInnerDeferredBeforeItIsReturnedTransformWhatTheOuterGets() {
    // test_defer.py: test_nestedAsynchronousChainedDeferredsWithExtraCallbacks
    Deferred<String> inner = new Deferred<>();
    Deferred<String> outer = new Deferred<>();
    Deferred<List<String>> typed =
        outer.addCallbackDeferring(v -> inner.addCallback(w -> List.of(w, w)));
    outer.callback("outer");

    inner.callback("withers");

    assertThat(successResultOf(typed)).containsExactly("withers", "withers");
  }

  @Test
  void callbacksAddedToTheInnerDeferredAfterItWasReturnedRunAfterTheOuterAndSeeNull() {
    // twisted-semantics.md 1.6, ordering facts
    Deferred<String> inner = new Deferred<>();
    Deferred<String> outer = new Deferred<>();
    outer.addCallbackDeferring(v -> inner).addCallback(v -> seen.add("outer got " + v));
    outer.callback("go");
    inner.addCallback(
        v -> {
          seen.add("inner's late callback got " + v);
          return v;
        });

    inner.callback("value");

    assertThat(seen).containsExactly("outer got value", "inner's late callback got null");
  }

  @Test
  void callbackAddedToTheOuterDeferredWhileWaitingRunsAfterTheInnerCallbacks() {
    // test_defer.py: test_callbackOrderPreserved, test_continueCallbackNotFirst
    Deferred<String> a = new Deferred<>();
    Deferred<String> outer = new Deferred<>();
    outer
        .addCallbackDeferring(
            v -> {
              seen.add("cb " + v);
              Deferred<String> d = new Deferred<>();
              Deferred<String> returner =
                  d.addCallbackDeferring(
                          w -> {
                            seen.add("firstCallback " + w);
                            return a.addCallback(x -> "[" + x + "]");
                          })
                      .addCallback(
                          w -> {
                            seen.add("secondCallback " + w);
                            return w;
                          });
              d.callback(null);
              return returner;
            })
        .addCallback(
            v -> {
              seen.add("final");
              return v;
            });

    outer.callback("outer");
    assertThat(seen).containsExactly("cb outer", "firstCallback null");
    a.callback("withers");

    assertThat(seen)
        .containsExactly("cb outer", "firstCallback null", "secondCallback [withers]", "final");
  }

  @Test
  void pausedDeferredWithAResultStillMakesTheOuterWait() {
    // test_defer.py: test_chainedPausedDeferredWithResult
    Object expected = new Object();
    Deferred<Object> paused = Deferred.succeed(expected);
    paused.pause();
    Deferred<Object> chained = new Deferred<>();
    chained.addCallback(ignored -> paused);
    chained.callback(null);

    chained.addCallback(seen::add);
    assertThat(seen).isEmpty();
    paused.unpause();

    assertThat(seen).containsExactly(expected);
  }

  @Test
  void pausedOuterDeferredDoesNotStopTheInnerFromRunningLaterCallbacks() {
    // test_defer.py: test_pausedDeferredChained
    Deferred<Object> first = new Deferred<>();
    Deferred<Object> second = new Deferred<>();
    first.addCallback(ignored -> second);
    first.callback(null);
    first.pause();
    second.callback(null);

    second.addCallback(seen::add);

    assertThat(seen).containsExactly((Object) null);
  }

  @Test
  void callbackReturningItsOwnDeferredFailsTheChainWithIllegalStateException() {
    // test_defer.py: test_circularChainWarning / test_circularChainException. Twisted warns and
    // waits forever; we fail the chain instead.
    Deferred<Object> d = new Deferred<>();
    d.addCallback(v -> d);

    d.callback("foo");

    assertThat(failureResultOf(d, IllegalStateException.class).getErrorMessage())
        .contains("returned the Deferred it is attached to");
  }

  @Test
  void toStringRecordsTheImplicitChainAndForgetsItWhenResolved() {
    // test_defer.py: test_chainDeferredRecordsImplicitChain, test_explicitChainClearedWhenResolved
    Deferred<Object> a = new Deferred<>();
    Deferred<Object> b = new Deferred<>();
    a.addCallback(ignored -> b);
    a.callback(null);

    assertThat(a.toString()).contains("waiting on Deferred@" + Integer.toHexString(b.hashCode()));
    assertThat(a.isPaused()).isTrue();

    b.callback("done");

    assertThat(a.toString()).doesNotContain("waiting on").contains("fired: String");
    assertThat(a.isPaused()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Explicit chaining: chainDeferred

  @Test
  void chainDeferredFiresTheOtherDeferredWithThisOnesResult() {
    // twisted-semantics.md 1.8
    Deferred<String> a = new Deferred<>();
    Deferred<Object> b = new Deferred<>();
    b.addCallback(seen::add);
    a.chainDeferred(b);

    a.callback("value");

    assertThat(seen).containsExactly("value");
    assertThat(successResultOf(a)).as("a passed its result on").isNull();
  }

  @Test
  void chainDeferredMovesAFailureToTheOtherDeferred() {
    IOException refused = new IOException("refused");
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = new Deferred<>();
    a.chainDeferred(b);

    a.errback(refused);

    assertThat(failureResultOf(b).value()).isSameAs(refused);
    assertThat(successResultOf(a)).isNull();
  }

  @Test
  void chainDeferredReturnsThisDeferred() {
    Deferred<String> a = new Deferred<>();

    assertThat(a.chainDeferred(new Deferred<>())).isSameAs(a);
  }

  @Test
  void firingTheChainedDeferredFirstDoesNotAffectTheSource() {
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = new Deferred<>();
    a.chainDeferred(b);

    b.callback("b's own result");

    assertThat(a.isCalled()).isFalse();
    assertThat(successResultOf(b)).isEqualTo("b's own result");
  }

  @Test
  void chainDeferredIntoAnAlreadyFiredDeferredFailsTheSourceWithAlreadyCalled() {
    // twisted-semantics.md 1.8: b.callback raises AlreadyCalledError inside a's chain
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = Deferred.succeed("already");
    a.chainDeferred(b);

    a.callback("late");

    assertThat(failureResultOf(a))
        .satisfies(f -> assertThat(f.value()).isInstanceOf(AlreadyCalledException.class));
    assertThat(successResultOf(b)).isEqualTo("already");
  }

  @Test
  void chainDeferredRecordsTheChainInTheTargetsToString() {
    // test_defer.py: test_chainDeferredRecordsExplicitChain, test_reprWithChaining
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = new Deferred<>();

    a.chainDeferred(b);

    assertThat(b.toString())
        .isEqualTo(
            "Deferred@"
                + Integer.toHexString(b.hashCode())
                + "[waiting on Deferred@"
                + Integer.toHexString(a.hashCode())
                + "]");
  }

  @Test
  void chainDeferredIntoAPausedDeferredRunsItsCallbacksOnUnpause() {
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = new Deferred<>();
    b.pause();
    b.addCallback(seen::add);
    a.chainDeferred(b);

    a.callback("value");
    assertThat(seen).isEmpty();
    assertThat(b.isCalled()).isTrue();
    b.unpause();

    assertThat(seen).containsExactly("value");
  }

  @Test
  void chainDeferredToItselfIsRejected() {
    Deferred<String> a = new Deferred<>();

    assertThatThrownBy(() -> a.chainDeferred(a)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chainDeferredIntoACancelledDeferredWithoutCancellerIsSwallowedOnce() {
    // twisted-semantics.md 1.9: the one late callback after a canceller-less cancel is ignored
    Deferred<String> a = new Deferred<>();
    Deferred<String> b = new Deferred<>();
    a.chainDeferred(b);
    b.cancel();

    a.callback("too late");

    assertThat(successResultOf(a)).isNull();
    assertThat(failureResultOf(b, CancelledException.class)).isNotNull();
  }
}
