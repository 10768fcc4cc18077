package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class DeferredLockTest {

  private final DeferredLock lock = new DeferredLock();

  @Test
  void acquiringAFreeLockFiresBeforeAcquireReturnsWithTheLock() {
    // test_defer.py: OtherPrimitivesTests.testLock
    Deferred<DeferredLock> acquired = lock.acquire();

    assertThat(successResultOf(acquired)).isSameAs(lock);
    assertThat(lock.isLocked()).isTrue();
  }

  @Test
  void acquiringAHeldLockWaitsUntilItIsReleased() {
    // test_defer.py: OtherPrimitivesTests.testLock
    lock.acquire();
    Deferred<DeferredLock> second = lock.acquire();

    assertNoResult(second);
    assertThat(lock.waiting()).isEqualTo(1);

    lock.release();

    assertThat(successResultOf(second)).isSameAs(lock);
    assertThat(lock.isLocked()).isTrue();
    assertThat(lock.waiting()).isZero();
  }

  @Test
  void releaseHandsTheLockToWaitersInTheOrderTheyAsked() {
    // test_defer.py: OtherPrimitivesTests.testLock (hand-off keeps the lock locked)
    List<String> order = new ArrayList<>();
    lock.acquire();
    for (String name : List.of("a", "b", "c")) {
      lock.acquire()
          .addCallback(
              l -> {
                order.add(name + (l.isLocked() ? " locked" : " UNLOCKED"));
                return l;
              });
    }

    lock.release();
    assertThat(order).containsExactly("a locked");
    lock.release();
    lock.release();
    assertThat(order).containsExactly("a locked", "b locked", "c locked");

    lock.release();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void aWaiterReleasingInsideItsCallbackPassesTheLockOnBeforeReleaseReturns() {
    List<String> order = new ArrayList<>();
    lock.acquire();
    lock.acquire()
        .addCallback(
            l -> {
              order.add("first");
              l.release();
              return null;
            });
    lock.acquire()
        .addCallback(
            l -> {
              order.add("second");
              return null;
            });

    lock.release();

    assertThat(order).containsExactly("first", "second");
    assertThat(lock.isLocked()).isTrue();
    assertThat(lock.waiting()).isZero();
  }

  @Test
  void releasingAnUnlockedLockThrowsAndNamesTheState() {
    assertThatThrownBy(lock::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Tried to release an unlocked lock")
        .hasMessageContaining("unlocked, 0 waiting");
  }

  @Test
  void releasingTwiceThrowsOnTheSecondRelease() {
    lock.acquire();
    lock.release();

    assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void cancellingAWaitingAcquireFailsItAndTakesItOutOfLine() {
    // test_defer.py: test_cancelLockBeforeAcquired
    lock.acquire();
    Deferred<DeferredLock> cancelled = lock.acquire();
    Deferred<DeferredLock> next = lock.acquire();

    cancelled.cancel();

    failureResultOf(cancelled, CancelledException.class);
    assertThat(lock.waiting()).isEqualTo(1);
    lock.release();
    assertThat(successResultOf(next)).isSameAs(lock);
  }

  @Test
  void cancellingTheOnlyWaiterLeavesTheLockFreeAfterRelease() {
    // test_defer.py: OtherPrimitivesTests.testLock (cancel, then release unlocks)
    lock.acquire();
    Deferred<DeferredLock> waiter = lock.acquire();
    waiter.cancel();
    failureResultOf(waiter, CancelledException.class);

    lock.release();

    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void cancellingAFiredAcquireDoesNothingAndTheCallerStillOwnsTheLock() {
    // test_defer.py: test_cancelLockAfterAcquired
    Deferred<DeferredLock> acquired = lock.acquire();
    List<Failure> errors = new ArrayList<>();
    acquired.addErrback(
        f -> {
          errors.add(f);
          return null;
        });

    acquired.cancel();

    assertThat(errors).isEmpty();
    assertThat(lock.isLocked()).isTrue();
    lock.release();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void runHoldsTheLockUntilTheFunctionsDeferredFiresAndPassesItsResultOn() {
    // test_defer.py: OtherPrimitivesTests.testLock (run with a Deferred-returning helper)
    Deferred<String> work = new Deferred<>();
    Deferred<String> result = lock.runDeferring(() -> work);

    assertThat(lock.isLocked()).isTrue();
    Deferred<DeferredLock> later = lock.acquire();
    assertNoResult(result);
    assertNoResult(later);

    work.callback("done");

    assertThat(successResultOf(result)).isEqualTo("done");
    assertThat(successResultOf(later)).isSameAs(lock);
  }

  @Test
  void runOfASynchronousFunctionReleasesBeforeReturning() {
    Deferred<Integer> result = lock.run(() -> 42);

    assertThat(successResultOf(result)).isEqualTo(42);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void runReleasesWhenTheFunctionThrowsAndFailsWithThatException() {
    IOException boom = new IOException("boom");
    Callable<String> throwing =
        () -> {
          throw boom;
        };

    Deferred<String> result = lock.run(throwing);

    assertThat(failureResultOf(result, IOException.class).value()).isSameAs(boom);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void runReleasesWhenTheFunctionsDeferredFailsLaterAndPassesTheSameFailureOn() {
    Deferred<String> work = new Deferred<>();
    Deferred<String> result = lock.runDeferring(() -> work);
    Failure failure = new Failure(new IOException("later"));

    work.errback(failure);

    assertThat(failureResultOf(result, IOException.class)).isSameAs(failure);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void runWaitsForTheLockAndRunsTheFunctionOnlyOnceItIsAcquired() {
    List<String> calls = new ArrayList<>();
    lock.acquire();

    Deferred<String> result =
        lock.run(
            () -> {
              calls.add("ran");
              return "value";
            });

    assertThat(calls).isEmpty();
    lock.release();
    assertThat(calls).containsExactly("ran");
    assertThat(successResultOf(result)).isEqualTo("value");
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void cancellingRunWhileItWaitsForTheLockWithdrawsItAndNeverRunsTheFunction() {
    List<String> calls = new ArrayList<>();
    lock.acquire();
    Deferred<String> result =
        lock.run(
            () -> {
              calls.add("ran");
              return "value";
            });

    result.cancel();

    failureResultOf(result, CancelledException.class);
    assertThat(lock.waiting()).isZero();
    lock.release();
    assertThat(calls).isEmpty();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void cancellingRunWhileTheFunctionIsPendingCancelsItsDeferredAndReleases() {
    List<String> cancelled = new ArrayList<>();
    Deferred<String> work = new Deferred<>(d -> cancelled.add("work cancelled"));
    Deferred<String> result = lock.runDeferring(() -> work);

    result.cancel();

    assertThat(cancelled).containsExactly("work cancelled");
    failureResultOf(result, CancelledException.class);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void runWithoutAFunctionThrowsAndLeavesTheLockAlone() {
    // test_defer.py: OtherPrimitivesTests.testLock (run() without a function is a TypeError)
    assertThatThrownBy(() -> lock.run(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> lock.runDeferring(null)).isInstanceOf(NullPointerException.class);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void releasingOnTheFunctionsBehalfFailsTheRunButKeepsTheFunctionsFailure() {
    IOException original = new IOException("original");
    Deferred<String> work = new Deferred<>();
    Deferred<String> result = lock.runDeferring(() -> work);
    lock.release(); // misuse: the run still holds the lock

    work.errback(original);

    Throwable error = failureResultOf(result, IllegalStateException.class).value();
    assertThat(error.getSuppressed()).containsExactly(original);
  }

  @Test
  void aLongLineOfSynchronousRunsIsServedInALoopNotByRecursion() {
    // Each run releases inside its own hand-off; served recursively, a few hundred overflow the
    // stack (and the chain would swallow the StackOverflowError, leaving the lock held forever).
    lock.acquire();
    List<Integer> ran = new ArrayList<>();
    List<Deferred<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int n = i;
      results.add(
          lock.run(
              () -> {
                ran.add(n);
                return n;
              }));
    }

    lock.release();

    assertThat(ran).hasSize(100_000).startsWith(0, 1, 2).endsWith(99_999);
    assertThat(successResultOf(results.get(99_999))).isEqualTo(99_999);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void aReleaseInsideAHandOffServesTheNextWaiterOnceTheCallbackReturns() {
    List<String> order = new ArrayList<>();
    lock.acquire();
    lock.acquire()
        .addCallback(
            l -> {
              l.release();
              order.add("first, after its release");
              return null;
            });
    lock.acquire()
        .addCallback(
            l -> {
              order.add("second");
              return null;
            });

    lock.release();

    assertThat(order).containsExactly("first, after its release", "second");
    assertThat(lock.isLocked()).isTrue();
  }

  @Test
  void aSecondReleaseInsideAHandOffIsStillRefused() {
    List<Throwable> errors = new ArrayList<>();
    lock.acquire();
    lock.acquire()
        .addCallback(
            l -> {
              l.release();
              try {
                l.release();
              } catch (IllegalStateException e) {
                errors.add(e);
              }
              return null;
            });
    Deferred<DeferredLock> third = lock.acquire();

    lock.release();

    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("released, handing off"));
    assertThat(successResultOf(third)).isSameAs(lock);
  }

  @Test
  void aWaiterCancelledWhileTheLockIsBeingHandedOnIsSkipped() {
    lock.acquire();
    Deferred<DeferredLock> cancelledLater = new Deferred<>();
    lock.acquire()
        .addCallback(
            l -> {
              l.release();
              cancelledLater.callback(null);
              return null;
            });
    Deferred<DeferredLock> second = lock.acquire();
    cancelledLater.addCallback(
        ignored -> {
          second.cancel();
          return null;
        });

    lock.release();

    failureResultOf(second, CancelledException.class);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void toStringShowsLockedStateAndWaiters() {
    assertThat(lock).hasToString("DeferredLock[unlocked, 0 waiting]");
    lock.acquire();
    lock.acquire();
    assertThat(lock).hasToString("DeferredLock[locked, 1 waiting]");
  }
}
