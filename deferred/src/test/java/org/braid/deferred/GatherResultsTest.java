package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatherResultsTest {

  @Test
  void valuesComeInInputOrderNotCompletionOrder() {
    Deferred<Integer> one = new Deferred<>();
    Deferred<Integer> two = new Deferred<>();
    Deferred<Integer> three = new Deferred<>();
    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(one, two, three));

    two.callback(2);
    three.callback(3);
    assertNoResult(all);
    one.callback(1);

    assertThat(successResultOf(all)).containsExactly(1, 2, 3);
  }

  @Test
  void alreadyFiredInputsGiveTheListBeforeGatherReturns() {
    // test_defer.py: DeferredTests.test_gatherResults
    Deferred<List<Integer>> all =
        Deferred.gatherResults(List.of(Deferred.succeed(1), Deferred.succeed(2)));

    assertThat(successResultOf(all)).containsExactly(1, 2);
  }

  @Test
  void anEmptyListGivesAnEmptyListAtOnce() {
    assertThat(successResultOf(Deferred.<String>gatherResults(List.of()))).isEmpty();
  }

  @Test
  void nullValuesKeepTheirPlace() {
    Deferred<List<String>> all =
        Deferred.gatherResults(List.of(Deferred.succeed("a"), Deferred.<String>succeed(null)));

    assertThat(successResultOf(all)).isEqualTo(Arrays.asList("a", null));
  }

  @Test
  void theFirstFailureFailsTheGatherWithAFirstErrorWrappingTheOriginal() {
    // test_defer.py: DeferredTests.test_gatherResults
    IOException error = new IOException("bad");
    Deferred<Integer> failing = Deferred.fail(error);

    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(Deferred.succeed(1), failing));

    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(all, FirstErrorException.class).value();
    assertThat(firstError.index()).isEqualTo(1);
    assertThat(firstError.subFailure().value()).isSameAs(error);
    failureResultOf(failing, IOException.class);
  }

  @Test
  void consumeErrorsTurnsAFailedInputsResultIntoNull() {
    // test_defer.py: DeferredTests.test_gatherResultsWithConsumeErrors
    Deferred<Integer> good = Deferred.succeed(1);
    Deferred<Integer> bad = Deferred.fail(new RuntimeException("oh noes"));

    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(good, bad), true);

    assertThat(successResultOf(bad)).isNull();
    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(all, FirstErrorException.class).value();
    assertThat(firstError.subFailure().value()).isInstanceOf(RuntimeException.class);
  }

  @Test
  void withoutConsumeErrorsEveryFailedInputKeepsItsFailure() {
    // twisted-semantics.md 1.12 and 6.10: the second failure stays on its input
    Deferred<Integer> first = new Deferred<>();
    Deferred<Integer> second = new Deferred<>();
    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(first, second));

    first.errback(new IOException("first"));
    second.errback(new IOException("second"));

    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(all, FirstErrorException.class).value();
    assertThat(firstError.index()).isZero();
    assertThat(failureResultOf(first, IOException.class).value()).hasMessage("first");
    assertThat(failureResultOf(second, IOException.class).value()).hasMessage("second");
  }

  @Test
  void aLaterSuccessDoesNotChangeAGatherThatAlreadyFailed() {
    Deferred<Integer> failing = new Deferred<>();
    Deferred<Integer> late = new Deferred<>();
    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(failing, late), true);
    List<Object> seen = new ArrayList<>();
    all.addBoth(
        (value, failure) -> {
          seen.add(failure != null ? failure.type() : value);
          return null;
        });

    failing.errback(new IOException());
    late.callback(2);

    assertThat(seen).containsExactly(FirstErrorException.class);
    assertThat(successResultOf(late)).isEqualTo(2);
  }

  @Test
  void cancellingCancelsEveryInputAndFailsWithFirstErrorOfCancelled() {
    // test_defer.py: DeferredTests.test_cancelGatherResults
    Deferred<Integer> one = new Deferred<>();
    Deferred<Integer> two = new Deferred<>();
    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(one, two));

    all.cancel();

    failureResultOf(one, CancelledException.class);
    failureResultOf(two, CancelledException.class);
    FirstErrorException firstError =
        (FirstErrorException) failureResultOf(all, FirstErrorException.class).value();
    assertThat(firstError.subFailure().check(CancelledException.class)).isNotNull();
  }

  @Test
  void cancellingWhenEveryInputCallsBackOnCancelGivesTheirValues() {
    // test_defer.py: DeferredTests.test_cancelGatherResultsWithAllDeferredsCallback
    Deferred<String> one = new Deferred<>(d -> d.callback("Callback Result"));
    Deferred<String> two = new Deferred<>(d -> d.callback("Callback Result"));
    Deferred<List<String>> all = Deferred.gatherResults(List.of(one, two));

    all.cancel();

    assertThat(successResultOf(all)).containsExactly("Callback Result", "Callback Result");
  }

  @Test
  void cancellingAfterTheGatherFailedLeavesTheRemainingInputsRunning() {
    // test_defer.py: test_cancelFiredOnOneErrbackDeferredList (gatherResults is fireOnOneErrback)
    Deferred<Integer> failing = new Deferred<>();
    Deferred<Integer> running = new Deferred<>();
    Deferred<List<Integer>> all = Deferred.gatherResults(List.of(failing, running), true);
    failing.errback(new IOException());

    all.cancel();

    assertNoResult(running);
    failureResultOf(all, FirstErrorException.class);
  }
}
