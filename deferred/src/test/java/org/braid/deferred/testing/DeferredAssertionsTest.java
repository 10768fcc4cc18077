package org.braid.deferred.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.junit.jupiter.api.Test;

/**
 * The test kit's non-blocking assertions, after trial's {@code successResultOf}, {@code
 * failureResultOf} and {@code assertNoResult} (twisted/trial/_synctest.py).
 */
class DeferredAssertionsTest {

  /** What a later callback sees: the Deferred's current result after the assertion. */
  private static Object resultSeenLater(Deferred<?> d) {
    List<Object> seen = new ArrayList<>();
    d.addBoth(
        (v, f) -> {
          seen.add(f != null ? f : v);
          return null;
        });
    assertThat(seen).as("the Deferred has a result").hasSize(1);
    return seen.get(0);
  }

  // --- successResultOf ------------------------------------------------------------------------

  @Test
  void successResultOfReturnsTheValue() {
    assertThat(successResultOf(Deferred.succeed("value"))).isEqualTo("value");
  }

  @Test
  void successResultOfLeavesTheValueForLaterCallbacks() {
    Deferred<String> d = Deferred.succeed("value");

    successResultOf(d);

    assertThat(resultSeenLater(d)).isEqualTo("value");
  }

  @Test
  void successResultOfAPendingDeferredFailsSayingThereIsNoResult() {
    Deferred<String> d = new Deferred<>();

    assertThatThrownBy(() -> successResultOf(d))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Success result expected on " + d + ", found no result");
  }

  @Test
  void successResultOfAFailedDeferredFailsWithTheFailureAsCause() {
    IOException refused = new IOException("refused");
    Deferred<String> d = Deferred.fail(refused);

    Throwable thrown = catchThrowable(() -> successResultOf(d));

    assertThat(thrown)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "Success result expected on Deferred@"
                + Integer.toHexString(d.hashCode())
                + "[failed: IOException], found failure result")
        .hasMessageContaining("found failure result instead: Failure[java.io.IOException: refused]")
        .hasCause(refused);
    assertThat(thrown.getCause()).isSameAs(refused);
  }

  @Test
  void successResultOfAFailedDeferredConsumesTheFailureItReports() {
    // trial's successResultOf leaves None behind: the failure is reported by the assertion error,
    // not a second time as an unhandled error when the Deferred is collected.
    Deferred<String> d = Deferred.fail(new IOException("refused"));

    assertThatThrownBy(() -> successResultOf(d)).isInstanceOf(AssertionError.class);

    assertThat(resultSeenLater(d)).isNull();
  }

  @Test
  void successResultOfAPendingDeferredLeavesALaterFailureForLaterErrbacks() {
    IOException refused = new IOException("later");
    Deferred<String> d = new Deferred<>();
    assertThatThrownBy(() -> successResultOf(d)).isInstanceOf(AssertionError.class);

    d.errback(refused);

    assertThat(failureResultOf(d).value()).isSameAs(refused);
  }

  @Test
  void successResultOfAPausedDeferredWithAResultFindsNoResult() {
    Deferred<String> d = Deferred.succeed("value");
    d.pause();

    assertThatThrownBy(() -> successResultOf(d)).hasMessageContaining("found no result");
  }

  @Test
  void successResultOfADeferredWaitingOnAnUnfiredOneFindsNoResult() {
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> inner);

    assertThatThrownBy(() -> successResultOf(outer)).hasMessageContaining("found no result");
  }

  // --- failureResultOf ------------------------------------------------------------------------

  @Test
  void failureResultOfReturnsTheVeryFailure() {
    Failure failure = new Failure(new IOException("refused"));

    assertThat(failureResultOf(Deferred.fail(failure))).isSameAs(failure);
  }

  @Test
  void failureResultOfConsumesTheFailureSoLaterCallbacksSeeNull() {
    // trial's failureResultOf leaves None behind, so the failure is not reported as unhandled.
    Deferred<String> d = Deferred.fail(new IOException("refused"));

    failureResultOf(d);

    assertThat(resultSeenLater(d)).isNull();
  }

  @Test
  void failureResultOfAcceptsAnyOfTheExpectedTypesIncludingSuperclasses() {
    Deferred<String> d = Deferred.fail(new FileNotFoundException("gone"));

    Failure failure = failureResultOf(d, TimeoutException.class, IOException.class);

    assertThat(failure.type()).isEqualTo(FileNotFoundException.class);
  }

  @Test
  void failureResultOfWithAnotherTypeFailsNamingBothTypesWithTheFailureAsCause() {
    IOException refused = new IOException("refused");
    Deferred<String> d = Deferred.fail(refused);

    Throwable thrown =
        catchThrowable(
            () -> failureResultOf(d, TimeoutException.class, IllegalStateException.class));

    assertThat(thrown)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "Failure of type (java.util.concurrent.TimeoutException or"
                + " java.lang.IllegalStateException) expected on Deferred@")
        .hasMessageContaining("found type java.io.IOException instead");
    assertThat(thrown.getCause()).isSameAs(refused);
    assertThat(resultSeenLater(d)).as("consumed, as trial does").isNull();
  }

  @Test
  void failureResultOfASucceededDeferredFailsNamingTheValueTypeButNotTheValue() {
    Deferred<String> d = Deferred.succeed("password=hunter2");

    assertThatThrownBy(() -> failureResultOf(d))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("found success result (a java.lang.String) instead")
        .hasMessageNotContaining("hunter2");
    assertThat(resultSeenLater(d)).isEqualTo("password=hunter2");
  }

  @Test
  void failureResultOfAPendingDeferredFailsSayingThereIsNoResult() {
    Deferred<String> d = new Deferred<>();

    assertThatThrownBy(() -> failureResultOf(d))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Failure result expected on " + d + ", found no result");
  }

  // --- assertNoResult -------------------------------------------------------------------------

  @Test
  void assertNoResultPassesOnAPendingDeferred() {
    assertThatCode(() -> assertNoResult(new Deferred<String>())).doesNotThrowAnyException();
  }

  @Test
  void assertNoResultPassesOnADeferredWaitingOnAnUnfiredOne() {
    // trial: "or that the Deferred is waiting on another Deferred for a result"
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> inner);

    assertThatCode(() -> assertNoResult(outer)).doesNotThrowAnyException();
  }

  @Test
  void assertNoResultLeavesALaterValueForLaterCallbacks() {
    Deferred<String> d = new Deferred<>();
    assertNoResult(d);

    d.callback("later");

    assertThat(successResultOf(d)).isEqualTo("later");
  }

  @Test
  void assertNoResultLeavesALaterFailureForLaterErrbacks() {
    IOException refused = new IOException("later");
    Deferred<String> d = new Deferred<>();
    assertNoResult(d);

    d.errback(refused);

    assertThat(failureResultOf(d).value()).isSameAs(refused);
  }

  @Test
  void assertNoResultOnAFiredDeferredFailsNamingTheValueTypeButNotTheValue() {
    Deferred<String> d = Deferred.succeed("password=hunter2");

    assertThatThrownBy(() -> assertNoResult(d))
        .isInstanceOf(AssertionError.class)
        .hasMessage("No result expected on " + d + ", found a java.lang.String")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void assertNoResultOnAFailedDeferredFailsWithTheFailureAsCause() {
    IOException refused = new IOException("refused");
    Deferred<String> d = Deferred.fail(refused);

    Throwable thrown = catchThrowable(() -> assertNoResult(d));

    assertThat(thrown)
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "No result expected on "
                + "Deferred@"
                + Integer.toHexString(d.hashCode())
                + "[failed: IOException]"
                + ", found failure Failure[java.io.IOException: refused]");
    assertThat(thrown.getCause()).isSameAs(refused);
  }

  @Test
  void assertNoResultOnAFailedDeferredConsumesTheFailureItReports() {
    // trial's assertNoResult: "If there is already a failure, the self.fail below will report
    // it, so swallow it in the deferred".
    Deferred<String> d = Deferred.fail(new IOException("refused"));

    assertThatThrownBy(() -> assertNoResult(d)).isInstanceOf(AssertionError.class);

    assertThat(resultSeenLater(d)).isNull();
  }

  @Test
  void assertionsObserveWithoutConsumingAValueEvenWhenCalledRepeatedly() {
    Deferred<Integer> d = Deferred.succeed(7);

    assertThat(successResultOf(d)).isEqualTo(7);
    assertThat(successResultOf(d)).isEqualTo(7);
    assertThatThrownBy(() -> assertNoResult(d)).isInstanceOf(AssertionError.class);
    Deferred<Integer> plusOne = d.addCallback(n -> n + 1);
    assertThat(successResultOf(plusOne)).isEqualTo(8);
  }
}
