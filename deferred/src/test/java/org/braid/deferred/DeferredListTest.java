package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.DeferredList.Outcome;
import org.braid.deferred.DeferredList.Winner;
import org.junit.jupiter.api.Test;

class DeferredListTest {

  /** Twisted's fakeCallbackCanceller: cancelling fires the Deferred with "Callback Result". */
  private static Deferred<String> callbackOnCancel() {
    return new Deferred<>(d -> d.callback("Callback Result"));
  }

  @Test
  void outcomesComeInInputOrderNotCompletionOrder() {
    // test_defer.py: DeferredTests.testDeferredList
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<String> three = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(one, two, three));
    IOException error = new IOException("2");

    three.callback("3");
    two.errback(error);
    assertNoResult(list);
    one.callback("1");

    List<Outcome<String>> outcomes = successResultOf(list);
    assertThat(outcomes).hasSize(3);
    assertThat(outcomes.get(0)).isEqualTo(Outcome.success("1"));
    assertThat(outcomes.get(1).succeeded()).isFalse();
    assertThat(outcomes.get(1).failure().value()).isSameAs(error);
    assertThat(outcomes.get(2)).isEqualTo(Outcome.success("3"));
    failureResultOf(two, IOException.class);
  }

  @Test
  void anEmptyListFiresAtOnceWithNoOutcomes() {
    // test_defer.py: DeferredTests.testEmptyDeferredList
    assertThat(successResultOf(DeferredList.<String>of(List.of()))).isEmpty();
    assertThat(successResultOf(DeferredList.<String>fireOnOneErrback(List.of(), true))).isEmpty();
  }

  @Test
  void anEmptyFireOnOneCallbackListNeverFires() {
    // test_defer.py: DeferredTests.testEmptyDeferredList, DeferredListEmptyTests
    assertNoResult(DeferredList.<String>fireOnOneCallback(List.of(), false, false));
    assertNoResult(DeferredList.<String>fireOnOneCallback(List.of(), true, false));
  }

  @Test
  void inputsThatAlreadyFiredAreRecordedBeforeTheFactoryReturns() {
    // test_defer.py: DeferredTests.testDeferredListWithAlreadyFiredDeferreds
    Deferred<Integer> failed = Deferred.fail(new IOException("Bang"));
    Deferred<Integer> succeeded = Deferred.succeed(2);

    Deferred<List<Outcome<Integer>>> list = DeferredList.of(List.of(failed, succeeded));

    List<Outcome<Integer>> outcomes = successResultOf(list);
    assertThat(outcomes.get(0).failure().value()).hasMessage("Bang");
    assertThat(outcomes.get(1)).isEqualTo(Outcome.success(2));
    failureResultOf(failed, IOException.class);
  }

  @Test
  void aPlainListNeverFailsEvenWhenEveryInputFails() {
    Deferred<String> one = Deferred.fail(new IOException("one"));
    Deferred<String> two = Deferred.fail(new IllegalStateException("two"));

    List<Outcome<String>> outcomes = successResultOf(DeferredList.of(List.of(one, two), true));

    assertThat(outcomes).extracting(Outcome::succeeded).containsExactly(false, false);
  }

  @Test
  void fireOnOneErrbackFailsAtTheFirstFailureWithFirstErrorNamingItsIndex() {
    // test_defer.py: DeferredTests.testDeferredListFireOnOneError
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<String> three = new Deferred<>();
    Deferred<List<Outcome<String>>> list =
        DeferredList.fireOnOneErrback(List.of(one, two, three), false);

    one.callback("1");
    assertNoResult(list);
    two.errback(new IOException("from two"));

    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(list, FirstErrorException.class).value();
    assertThat(firstError.index()).isEqualTo(1);
    assertThat(firstError.subFailure().value()).isInstanceOf(IOException.class).hasMessage("from two");
    assertThat(firstError).hasCause(firstError.subFailure().value());
    failureResultOf(two, IOException.class);
    assertNoResult(three);
  }

  @Test
  void fireOnOneErrbackWithAnAlreadyFailedInputFailsBeforeTheFactoryReturns() {
    // test_defer.py: DeferredTests.testDeferredListFireOnOneErrorWithAlreadyFiredDeferreds
    Deferred<String> failed = Deferred.fail(new IOException("Bang"));
    Deferred<String> pending = new Deferred<>();

    Deferred<List<Outcome<String>>> list =
        DeferredList.fireOnOneErrback(List.of(failed, pending), true);

    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(list, FirstErrorException.class).value();
    assertThat(firstError.index()).isZero();
  }

  @Test
  void withoutConsumeErrorsAFailedInputKeepsItsFailureForItsOwnErrbacks() {
    // test_defer.py: DeferredTests.testDeferredListDontConsumeErrors
    Deferred<String> input = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(input), false);

    input.errback(new IOException("Bang"));

    assertThat(failureResultOf(input, IOException.class).value()).hasMessage("Bang");
    assertThat(successResultOf(list).get(0).failure().value()).hasMessage("Bang");
  }

  @Test
  void consumeErrorsLeavesAFailedInputWithANullResult() {
    // test_defer.py: DeferredTests.testDeferredListConsumeErrors
    Deferred<String> input = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(input), true);

    input.errback(new IOException("Bang"));

    assertThat(successResultOf(input)).isNull();
    assertThat(successResultOf(list).get(0).failure().value()).hasMessage("Bang");
  }

  @Test
  void consumeErrorsStillAppliesToFailuresArrivingAfterTheListFired() {
    Deferred<String> first = new Deferred<>();
    Deferred<String> late = new Deferred<>();
    Deferred<List<Outcome<String>>> list =
        DeferredList.fireOnOneErrback(List.of(first, late), true);
    first.errback(new IOException("first"));
    failureResultOf(list, FirstErrorException.class);

    late.errback(new IOException("late"));

    assertThat(successResultOf(late)).isNull();
  }

  @Test
  void successValuesPassThroughTheInputsUnchanged() {
    Deferred<String> input = new Deferred<>();
    DeferredList.of(List.of(input), true);

    input.callback("value");

    assertThat(successResultOf(input)).isEqualTo("value");
  }

  @Test
  void callbacksAddedToAnInputBeforeTheListShapeTheValueTheListSees() {
    // twisted-semantics.md 1.11: "Order of callbacks on inputs matters"
    Deferred<String> input = new Deferred<>();
    Deferred<Integer> length = input.addCallback(String::length);
    Deferred<List<Outcome<Integer>>> list = DeferredList.of(List.of(length));

    input.callback("four");

    assertThat(successResultOf(list)).containsExactly(Outcome.success(4));
  }

  @Test
  void fireOnOneCallbackFiresWithTheFirstSuccessAndLeavesTheOthersRunning() {
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first = DeferredList.fireOnOneCallback(List.of(one, two), false, true);

    one.errback(new IOException("not this one"));
    assertNoResult(first);
    two.callback("winner");

    assertThat(successResultOf(first)).isEqualTo(new Winner<>(1, "winner"));
    assertThat(successResultOf(one)).isNull();
  }

  @Test
  void fireOnOneCallbackDoesNotCancelTheLosers() {
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first =
        DeferredList.fireOnOneCallback(List.of(one, two), false, false);

    one.callback("winner");

    assertThat(successResultOf(first).index()).isZero();
    assertNoResult(two);
  }

  @Test
  void fireOnOneCallbackFailsWithAFailureGroupWhenEveryInputFails() {
    // Twisted fires the callback with the list of failures here (its issue #4919); a Winner
    // cannot be a list, so Braid fails as race() does.
    IOException a = new IOException("a");
    IOException b = new IOException("b");
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first = DeferredList.fireOnOneCallback(List.of(one, two), false, true);

    two.errback(b);
    one.errback(a);

    FailureGroupException group =
        (FailureGroupException) failureResultOf(first, FailureGroupException.class).value();
    assertThat(group.failures()).extracting(Failure::value).containsExactly(a, b);
  }

  @Test
  void fireOnOneCallbackWithFireOnOneErrbackFailsAtTheFirstFailure() {
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first = DeferredList.fireOnOneCallback(List.of(one, two), true, true);

    two.errback(new IOException("two"));

    FirstErrorException error =
        (FirstErrorException) failureResultOf(first, FirstErrorException.class).value();
    assertThat(error.index()).isEqualTo(1);
  }

  @Test
  void cancellingAnUnfiredListCancelsEveryInput() {
    // test_defer.py: test_cancelDeferredList, test_cancelDeferredListWithFireOnOneCallback
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(one, two));

    list.cancel();

    failureResultOf(one, CancelledException.class);
    failureResultOf(two, CancelledException.class);
    assertThat(successResultOf(list))
        .allSatisfy(o -> assertThat(o.failure().value()).isInstanceOf(CancelledException.class));
  }

  @Test
  void cancellingGivesWhateverTheInputsCancellersProduce() {
    // test_defer.py: test_cancelDeferredListCallback
    Deferred<String> one = callbackOnCancel();
    Deferred<String> two = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(one, two));

    list.cancel();

    failureResultOf(two, CancelledException.class);
    List<Outcome<String>> outcomes = successResultOf(list);
    assertThat(outcomes.get(0)).isEqualTo(Outcome.success("Callback Result"));
    assertThat(outcomes.get(1).failure().value()).isInstanceOf(CancelledException.class);
  }

  @Test
  void cancellingFireOnOneCallbackListWhoseInputCallsBackOnCancelGivesThatInputAsWinner() {
    // test_defer.py: test_cancelDeferredListWithFireOnOneCallbackAndDeferredCallback
    Deferred<String> one = callbackOnCancel();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first =
        DeferredList.fireOnOneCallback(List.of(one, two), false, false);

    first.cancel();

    failureResultOf(two, CancelledException.class);
    assertThat(successResultOf(first)).isEqualTo(new Winner<>(0, "Callback Result"));
  }

  @Test
  void cancellingFireOnOneErrbackListFailsWithFirstErrorOfTheCancellation() {
    // test_defer.py: test_cancelDeferredListWithFireOnOneErrback
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.fireOnOneErrback(List.of(one, two), false);

    list.cancel();

    failureResultOf(one, CancelledException.class);
    failureResultOf(two, CancelledException.class);
    FirstErrorException error =
        (FirstErrorException) failureResultOf(list, FirstErrorException.class).value();
    assertThat(error.subFailure().check(CancelledException.class)).isNotNull();
    assertThat(error.index()).isZero();
  }

  @Test
  void cancellingFireOnOneErrbackListWhoseInputsAllCallBackOnCancelSucceeds() {
    // test_defer.py: test_cancelDeferredListWithFireOnOneErrbackAllDeferredsCallback
    Deferred<List<Outcome<String>>> list =
        DeferredList.fireOnOneErrback(List.of(callbackOnCancel(), callbackOnCancel()), false);

    list.cancel();

    assertThat(successResultOf(list))
        .containsExactly(Outcome.success("Callback Result"), Outcome.success("Callback Result"));
  }

  @Test
  void cancellingUsesTheListsOwnCopyOfTheInputs() {
    // test_defer.py: test_cancelDeferredListWithOriginalDeferreds
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    List<Deferred<String>> argument = new ArrayList<>(List.of(one, two));
    Deferred<List<Outcome<String>>> list = DeferredList.of(argument);
    Deferred<String> three = new Deferred<>();
    argument.add(three);

    list.cancel();

    failureResultOf(one, CancelledException.class);
    failureResultOf(two, CancelledException.class);
    assertNoResult(three);
    assertThat(successResultOf(list)).hasSize(2);
  }

  @Test
  void aCancellerThatThrowsDoesNotKeepTheOtherInputsFromBeingCancelled() {
    // test_defer.py: test_cancelDeferredListWithException. Twisted leaves the throwing input
    // unfired; Braid's Deferred.cancel() fails it with CancelledException caused by the error.
    RuntimeException thrown = new RuntimeException("test");
    Deferred<String> one =
        new Deferred<>(
            d -> {
              throw thrown;
            });
    Deferred<String> two = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.of(List.of(one, two), true);

    list.cancel();

    List<Outcome<String>> outcomes = successResultOf(list);
    assertThat(outcomes.get(0).failure().value())
        .isInstanceOf(CancelledException.class)
        .hasCause(thrown);
    assertThat(outcomes.get(1).failure().value()).isInstanceOf(CancelledException.class);
  }

  @Test
  void cancellingAfterFireOnOneCallbackFiredLeavesTheOtherInputsRunning() {
    // test_defer.py: test_cancelFiredOnOneCallbackDeferredList
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<Winner<String>> first =
        DeferredList.fireOnOneCallback(List.of(one, two), false, false);
    one.callback(null);

    first.cancel();

    assertNoResult(two);
    assertThat(successResultOf(first)).isEqualTo(new Winner<String>(0, null));
  }

  @Test
  void cancellingAfterFireOnOneErrbackFiredLeavesTheOtherInputsRunning() {
    // test_defer.py: test_cancelFiredOnOneErrbackDeferredList
    Deferred<String> one = new Deferred<>();
    Deferred<String> two = new Deferred<>();
    Deferred<List<Outcome<String>>> list = DeferredList.fireOnOneErrback(List.of(one, two), false);
    one.errback(new IOException("test"));

    list.cancel();

    assertNoResult(two);
    failureResultOf(one, IOException.class);
    failureResultOf(list, FirstErrorException.class);
  }

  @Test
  void cancellingAFiredListThatWaitsOnADeferredItsCallbackReturnedCancelsThatDeferred() {
    // Twisted's DeferredList does not forward here (its open issue #7856); Braid's result is a
    // plain Deferred, which does.
    Deferred<String> input = new Deferred<>();
    List<String> cancelled = new ArrayList<>();
    Deferred<String> inner = new Deferred<>(d -> cancelled.add("inner"));
    Deferred<String> chained =
        DeferredList.of(List.of(input)).addCallbackDeferring(outcomes -> inner);
    input.callback("done");

    chained.cancel();

    assertThat(cancelled).containsExactly("inner");
    failureResultOf(chained, CancelledException.class);
  }

  @Test
  void outcomeRefusesToBeBothOrNeither() {
    Failure failure = new Failure(new IOException());
    assertThatThrownBy(() -> new Outcome<>(true, "v", failure))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Outcome<String>(false, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Outcome<>(false, "v", failure))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Outcome.<String>success(null).succeeded()).isTrue();
  }

  @Test
  void firstErrorsAreEqualWhenTheirIndexAndSubFailureAre() {
    // test_defer.py: FirstErrorTests.test_comparison
    Failure first = new Failure(new ArithmeticException("/ by zero"));
    Failure second = new Failure(new IllegalArgumentException("bar"));
    FirstErrorException one = new FirstErrorException(first, 13);
    FirstErrorException anotherOne = new FirstErrorException(first, 13);
    FirstErrorException another = new FirstErrorException(second, 9);

    assertThat(one).isEqualTo(anotherOne).hasSameHashCodeAs(anotherOne);
    assertThat(one).isNotEqualTo(another);
    assertThat(one).isNotEqualTo(new FirstErrorException(first, 9));
    assertThat(one).isNotEqualTo(new FirstErrorException(second, 13));
    assertThat((Object) one).isNotEqualTo(13);
  }

  @Test
  void aFirstErrorsMessageNamesTheIndexAndTheSubFailure() {
    // test_defer.py: FirstErrorTests.test_repr, test_str
    Failure failure = new Failure(new IllegalArgumentException("some text"));

    FirstErrorException error = new FirstErrorException(failure, 3);

    assertThat(error.getMessage())
        .startsWith("FirstError[#3, ")
        .contains("IllegalArgumentException")
        .contains("some text");
    assertThat(error.subFailure()).isSameAs(failure);
    assertThat(error.getCause()).isSameAs(failure.value());
  }
}
