package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.braid.deferred.DeferredList.Winner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RaceTest {

  /** Inputs whose cancellers count their calls and do not fire them (Twisted's _setupRaceState). */
  private static final class Inputs {
    final int[] cancelled;
    final List<Deferred<Object>> deferreds = new ArrayList<>();

    Inputs(int count) {
      cancelled = new int[count];
      for (int i = 0; i < count; i++) {
        int index = i;
        deferreds.add(new Deferred<>(d -> cancelled[index]++));
      }
    }
  }

  @ParameterizedTest(name = "{0} before the winner, {1} after")
  @CsvSource({"0, 0", "0, 3", "1, 1", "3, 0", "2, 3"})
  void theFirstSuccessWinsAndEveryOtherInputIsCancelledOnce(int before, int after) {
    // test_defer.py: RaceTests.test_success
    Inputs inputs = new Inputs(before + 1 + after);
    Deferred<Winner<Object>> race = Deferred.race(inputs.deferreds);
    Object expected = new Object();

    inputs.deferreds.get(before).callback(expected);

    assertThat(successResultOf(race)).isEqualTo(new Winner<>(before, expected));
    int[] expectedCancelled = new int[before + 1 + after];
    java.util.Arrays.fill(expectedCancelled, 1);
    expectedCancelled[before] = 0;
    assertThat(inputs.cancelled).containsExactly(expectedCancelled);
  }

  @ParameterizedTest(name = "{0} before, {1} after")
  @CsvSource({"0, 0", "1, 2", "3, 3"})
  void whenEveryInputFailsTheRaceFailsWithAllFailuresInInputOrder(int before, int after) {
    // test_defer.py: RaceTests.test_failure
    Inputs inputs = new Inputs(before + 1 + after);
    Deferred<Winner<Object>> race = Deferred.race(inputs.deferreds);
    List<Failure> failures = new ArrayList<>();
    for (int i = 0; i < inputs.deferreds.size(); i++) {
      failures.add(new Failure(new IOException("failure " + i)));
    }

    // Completion order is the reverse of input order.
    for (int i = inputs.deferreds.size() - 1; i >= 0; i--) {
      inputs.deferreds.get(i).errback(failures.get(i));
    }

    FailureGroupException group =
        (FailureGroupException) failureResultOf(race, FailureGroupException.class).value();
    assertThat(group.failures()).containsExactlyElementsOf(failures);
    assertThat(inputs.cancelled).containsOnly(0);
  }

  @Test
  void failuresBeforeTheWinnerDoNotFailTheRaceAndAreConsumed() {
    Deferred<String> failing = new Deferred<>();
    Deferred<String> winner = new Deferred<>();
    Deferred<Winner<String>> race = Deferred.race(List.of(failing, winner));

    failing.errback(new IOException("lost"));
    assertNoResult(race);
    winner.callback("won");

    assertThat(successResultOf(race)).isEqualTo(new Winner<>(1, "won"));
    assertThat(successResultOf(failing)).isNull();
  }

  @Test
  void theLosersAreCancelledBeforeTheRacesCallbacksRun() {
    // As Twisted's race(): cancel the rest, then fire the result.
    Deferred<String> winner = new Deferred<>();
    Deferred<String> loser = new Deferred<>();
    List<Boolean> loserFiredWhenRaceCallbackRan = new ArrayList<>();
    Deferred.race(List.of(winner, loser))
        .addCallback(
            w -> {
              loserFiredWhenRaceCallbackRan.add(loser.isCalled());
              return w;
            });

    winner.callback("won");

    assertThat(loserFiredWhenRaceCallbackRan).containsExactly(true);
  }

  @Test
  void aLoserFiringAfterItWasCancelledGoesNowhere() {
    // test_defer.py: RaceTests.test_resultAfterCancel
    Deferred<String> winner = new Deferred<>();
    Deferred<String> late = new Deferred<>();
    Deferred<String> other = new Deferred<>();
    Deferred<Winner<String>> race = Deferred.race(List.of(winner, late, other));

    winner.callback("won");
    late.callback("too late"); // cancelled without a canceller: this one late fire is ignored

    assertThat(successResultOf(race)).isEqualTo(new Winner<>(0, "won"));
    // Their CancelledExceptions were consumed, so nothing is left to report as unhandled.
    assertThat(successResultOf(late)).isNull();
    assertThat(successResultOf(other)).isNull();
  }

  @Test
  void aLoserWhoseCancellerFiresItWithAValueDoesNotWinToo() {
    // test_defer.py: RaceTests.test_resultFromCancel
    Deferred<Object> winner = new Deferred<>();
    Deferred<Object> loser = new Deferred<>(d -> d.callback(new Object()));
    Deferred<Winner<Object>> race = Deferred.race(List.of(winner, loser));
    Object expected = new Object();
    List<Winner<Object>> fired = new ArrayList<>();
    race.addCallback(
        w -> {
          fired.add(w);
          return w;
        });

    winner.callback(expected);

    assertThat(fired).containsExactly(new Winner<>(0, expected));
  }

  @Test
  void aLoserWhoseCancellerFailsItIsConsumed() {
    Deferred<String> winner = new Deferred<>();
    Deferred<String> loser = new Deferred<>(d -> d.errback(new IOException("gave up")));
    Deferred<Winner<String>> race = Deferred.race(List.of(winner, loser));

    winner.callback("won");

    assertThat(successResultOf(race).value()).isEqualTo("won");
    assertThat(successResultOf(loser)).isNull();
  }

  @Test
  void everyRacedInputsResultIsConsumedTheWinnersToo() {
    // Twisted's race() callbacks return None for every input; the value lives in the race result.
    Deferred<String> winner = new Deferred<>();
    Deferred<Winner<String>> race = Deferred.race(List.of(winner));

    winner.callback("won");

    assertThat(successResultOf(race).value()).isEqualTo("won");
    assertThat(successResultOf(winner)).isNull();
  }

  @Test
  void anInputThatAlreadySucceededWinsBeforeRaceReturnsAndTheOthersAreCancelled() {
    Deferred<String> pending = new Deferred<>();

    Deferred<Winner<String>> race = Deferred.race(List.of(pending, Deferred.succeed("ready")));

    assertThat(successResultOf(race)).isEqualTo(new Winner<>(1, "ready"));
    assertThat(successResultOf(pending)).isNull();
    assertThat(pending.isCalled()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"1", "2", "3"})
  void cancellingTheRaceCancelsEveryInputOnceAndFailsWithAFailureGroup(int count) {
    // test_defer.py: RaceTests.test_cancel
    Inputs inputs = new Inputs(count);
    Deferred<Winner<Object>> race = Deferred.race(inputs.deferreds);

    race.cancel();

    assertThat(inputs.cancelled).containsOnly(1);
    FailureGroupException group =
        (FailureGroupException) failureResultOf(race, FailureGroupException.class).value();
    assertThat(group.failures())
        .hasSize(count)
        .allSatisfy(f -> assertThat(f.value()).isInstanceOf(CancelledException.class));
  }

  @Test
  void cancellingARaceThatWasWonCancelsNothingMore() {
    Inputs inputs = new Inputs(2);
    Deferred<Winner<Object>> race = Deferred.race(inputs.deferreds);
    inputs.deferreds.get(1).callback("won");

    race.cancel();

    assertThat(inputs.cancelled).containsExactly(1, 0);
    assertThat(successResultOf(race).index()).isEqualTo(1);
  }

  @Test
  void anEmptyRaceIsRefusedRatherThanNeverFiring() {
    assertThatThrownBy(() -> Deferred.race(Collections.<Deferred<String>>emptyList()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
