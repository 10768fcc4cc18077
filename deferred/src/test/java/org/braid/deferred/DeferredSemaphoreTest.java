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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeferredSemaphoreTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void fewerThanOneTokenIsRejectedWithTheValue(int tokens) {
    // test_defer.py: test_semaphoreInvalidTokens
    assertThatThrownBy(() -> new DeferredSemaphore(tokens))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens < 1")
        .hasMessageEndingWith(": " + tokens);
  }

  @Test
  void acquiresUpToTheLimitFireAtOnceAndTheNextOneWaits() {
    // test_defer.py: OtherPrimitivesTests.testSemaphore
    DeferredSemaphore semaphore = new DeferredSemaphore(3);
    for (int i = 1; i <= 3; i++) {
      assertThat(successResultOf(semaphore.acquire())).isSameAs(semaphore);
      assertThat(semaphore.tokens()).isEqualTo(3 - i);
    }

    Deferred<DeferredSemaphore> fourth = semaphore.acquire();

    assertNoResult(fourth);
    assertThat(semaphore.waiting()).isEqualTo(1);
    assertThat(semaphore.limit()).isEqualTo(3);
  }

  @Test
  void releaseHandsTheTokenToWaitersInTheOrderTheyAsked() {
    // test_defer.py: OtherPrimitivesTests.testSemaphore
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    List<String> order = new ArrayList<>();
    semaphore.acquire();
    for (String name : List.of("a", "b")) {
      semaphore
          .acquire()
          .addCallback(
              s -> {
                order.add(name + " with " + s.tokens() + " free");
                return s;
              });
    }

    semaphore.release();
    assertThat(order).containsExactly("a with 0 free");
    semaphore.release();
    assertThat(order).containsExactly("a with 0 free", "b with 0 free");
    semaphore.release();
    assertThat(semaphore.tokens()).isEqualTo(1);
  }

  @Test
  void releasingMoreOftenThanAcquiredThrowsNamingTokensAndLimit() {
    // test_defer.py: OtherPrimitivesTests.testSemaphore ("too many tokens")
    DeferredSemaphore semaphore = new DeferredSemaphore(2);
    semaphore.acquire();
    semaphore.release();

    assertThatThrownBy(semaphore::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tokens 2 already at limit 2");
    assertThat(semaphore.tokens()).isEqualTo(2);
  }

  @Test
  void cancellingAWaitingAcquireFailsItAndTakesItOutOfLine() {
    // test_defer.py: test_cancelSemaphoreBeforeAcquired, testSemaphore
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    semaphore.acquire();
    Deferred<DeferredSemaphore> cancelled = semaphore.acquire();
    Deferred<DeferredSemaphore> next = semaphore.acquire();

    cancelled.cancel();

    failureResultOf(cancelled, CancelledException.class);
    assertThat(semaphore.waiting()).isEqualTo(1);
    semaphore.release();
    assertThat(successResultOf(next)).isSameAs(semaphore);
    assertThat(semaphore.tokens()).isZero();
  }

  @Test
  void cancellingAFiredAcquireDoesNothingAndTheTokenIsStillHeld() {
    // test_defer.py: test_cancelSemaphoreAfterAcquired
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    Deferred<DeferredSemaphore> acquired = semaphore.acquire();
    List<Failure> errors = new ArrayList<>();
    acquired.addErrback(
        f -> {
          errors.add(f);
          return null;
        });

    acquired.cancel();

    assertThat(errors).isEmpty();
    assertThat(semaphore.tokens()).isZero();
  }

  @Test
  void runKeepsAtMostLimitFunctionsInFlightAndStartsTheNextWhenOneFinishes() {
    // test_defer.py: OtherPrimitivesTests.testSemaphore
    DeferredSemaphore semaphore = new DeferredSemaphore(2);
    List<Deferred<String>> work = new ArrayList<>();
    List<Deferred<String>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(
          semaphore.runDeferring(
              () -> {
                Deferred<String> d = new Deferred<>();
                work.add(d);
                return d;
              }));
    }

    assertThat(work).hasSize(2);
    assertThat(semaphore.waiting()).isEqualTo(2);

    work.get(1).callback("second");
    assertThat(successResultOf(results.get(1))).isEqualTo("second");
    assertThat(work).hasSize(3);

    work.get(0).callback("first");
    work.get(2).callback("third");
    work.get(3).callback("fourth");
    assertThat(successResultOf(results.get(3))).isEqualTo("fourth");
    assertThat(semaphore.tokens()).isEqualTo(2);
  }

  @Test
  void runReleasesWhenTheFunctionThrows() {
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    Callable<String> throwing =
        () -> {
          throw new IOException("sync");
        };

    Deferred<String> result = semaphore.run(throwing);

    failureResultOf(result, IOException.class);
    assertThat(semaphore.tokens()).isEqualTo(1);
  }

  @Test
  void runReleasesWhenTheFunctionsDeferredFailsLater() {
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    Deferred<String> work = new Deferred<>();
    Deferred<String> result = semaphore.runDeferring(() -> work);
    assertThat(semaphore.tokens()).isZero();

    work.errback(new IOException("async"));

    failureResultOf(result, IOException.class);
    assertThat(semaphore.tokens()).isEqualTo(1);
  }

  @Test
  void runPassesTheFunctionsValueOnUnchanged() {
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    Object unique = new Object();

    assertThat(successResultOf(semaphore.run(() -> unique))).isSameAs(unique);
    assertThat(successResultOf(semaphore.<Object>run(() -> null))).isNull();
    assertThat(semaphore.tokens()).isEqualTo(1);
  }

  @Test
  void aLongLineOfSynchronousRunsIsServedInALoopNotByRecursion() {
    DeferredSemaphore semaphore = new DeferredSemaphore(2);
    semaphore.acquire();
    semaphore.acquire();
    int[] ran = {0};
    for (int i = 0; i < 100_000; i++) {
      semaphore.run(() -> ++ran[0]);
    }

    semaphore.release();

    assertThat(ran[0]).isEqualTo(100_000);
    assertThat(semaphore.tokens()).isEqualTo(1);
    assertThat(semaphore.waiting()).isZero();
  }

  @Test
  void releasesInsideAHandOffStillRespectTheLimit() {
    DeferredSemaphore semaphore = new DeferredSemaphore(2);
    List<Throwable> errors = new ArrayList<>();
    semaphore.acquire();
    semaphore.acquire();
    semaphore
        .acquire()
        .addCallback(
            s -> {
              s.release(); // its own token, owed to `next`
              try {
                // A semaphore cannot tell holders apart: this one counts as the other holder's...
                s.release();
                // ...and this one exceeds the limit, although two tokens are still in transit.
                s.release();
              } catch (IllegalStateException e) {
                errors.add(e);
              }
              return null;
            });
    Deferred<DeferredSemaphore> next = semaphore.acquire();

    semaphore.release();

    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("tokens 2 already at limit 2"));
    assertThat(successResultOf(next)).isSameAs(semaphore);
    assertThat(semaphore.tokens()).isEqualTo(1);
  }

  @Test
  void toStringShowsFreeTokensAndWaiters() {
    DeferredSemaphore semaphore = new DeferredSemaphore(1);
    semaphore.acquire();
    semaphore.acquire();

    assertThat(semaphore).hasToString("DeferredSemaphore[0/1 tokens free, 1 waiting]");
  }
}
