package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code maybeDeferred} and {@code maybeDeferredDeferring} (test_defer.py; 1.2). */
class MaybeDeferredTest {

  @Test
  void synchronousValueBecomesAFiredDeferredWithThatValue() {
    // test_defer.py: test_maybeDeferredSync
    Object result = new Object();

    Deferred<Object> d = Deferred.maybeDeferred(() -> result);

    assertThat(successResultOf(d)).isSameAs(result);
  }

  @Test
  void functionRunsBeforeMaybeDeferredReturns() {
    List<String> order = new ArrayList<>();

    Deferred.maybeDeferred(() -> order.add("function ran"));
    order.add("maybeDeferred returned");

    assertThat(order).containsExactly("function ran", "maybeDeferred returned");
  }

  @Test
  void nullResultBecomesAFiredDeferredWithNull() {
    Deferred<Object> d = Deferred.maybeDeferred(() -> null);

    assertThat(d.isCalled()).isTrue();
    assertThat(successResultOf(d)).isNull();
  }

  @Test
  void thrownExceptionBecomesAFailedDeferredWithThatVeryException() {
    // test_defer.py: test_maybeDeferredSyncException
    IOException expected = new IOException("that value is unacceptable");

    Deferred<String> d =
        Deferred.maybeDeferred(
            () -> {
              throw expected;
            });

    assertThat(failureResultOf(d).value()).isSameAs(expected);
  }

  @Test
  void thrownErrorBecomesAFailedDeferredToo() {
    StackOverflowError error = new StackOverflowError("deep");

    Deferred<String> d =
        Deferred.maybeDeferred(
            () -> {
              throw error;
            });

    assertThat(failureResultOf(d).value()).isSameAs(error);
  }

  @Test
  void returnedFailureBecomesAFailedDeferredWithThatVeryFailure() {
    // test_defer.py: test_maybeDeferredSyncFailure
    Failure expected = new Failure(new IllegalArgumentException("10 + 5"));

    Deferred<Object> d = Deferred.maybeDeferred(() -> expected);

    assertThat(failureResultOf(d)).isSameAs(expected);
  }

  @Test
  void returnedDeferredIsReturnedItself() {
    // test_defer.py: test_maybeDeferredAsync (identity preserved)
    Deferred<String> d1 = new Deferred<>();

    Deferred<Object> d2 = Deferred.maybeDeferred(() -> d1);

    assertThat((Object) d2).isSameAs(d1);
    assertNoResult(d2);
    d1.callback("Success");
    assertThat(successResultOf(d2)).isEqualTo("Success");
  }

  @Test
  void returnedDeferredThatFailsLaterDeliversItsFailure() {
    // test_defer.py: test_maybeDeferredAsyncError
    Deferred<String> d1 = new Deferred<>();
    Deferred<Object> d2 = Deferred.maybeDeferred(() -> d1);

    d1.errback(new IllegalStateException("later"));

    failureResultOf(d2, IllegalStateException.class);
  }

  @Test
  void maybeDeferredDeferringReturnsTheFunctionsDeferredItself() {
    Deferred<String> d1 = new Deferred<>();

    Deferred<String> d2 = Deferred.maybeDeferredDeferring(() -> d1);

    assertThat(d2).isSameAs(d1);
  }

  @Test
  void maybeDeferredDeferringTurnsAThrownExceptionIntoAFailedDeferred() {
    IOException refused = new IOException("could not start");

    Deferred<String> d =
        Deferred.maybeDeferredDeferring(
            () -> {
              throw refused;
            });

    assertThat(failureResultOf(d).value()).isSameAs(refused);
  }

  @Test
  void maybeDeferredDeferringTurnsANullDeferredIntoANullPointerFailure() {
    Deferred<String> d = Deferred.maybeDeferredDeferring(() -> null);

    assertThat(failureResultOf(d, NullPointerException.class).getErrorMessage())
        .contains("returned null instead of a Deferred");
  }
}
