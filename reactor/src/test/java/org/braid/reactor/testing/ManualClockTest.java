package org.braid.reactor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.AlreadyCalledException;
import org.braid.reactor.AlreadyCancelledException;
import org.braid.reactor.DelayedCall;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> events = new ArrayList<>();

  private static Duration s(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  @Test
  void timeStartsAtZero() {
    // test_task.py: testSeconds
    assertThat(clock.now()).isEqualTo(Duration.ZERO);
  }

  @Test
  void callLaterReturnsAnActiveCallDueAtNowPlusDelay() {
    // test_task.py: testCallLater
    clock.advance(s(2));
    DelayedCall call = clock.callLater(s(1), () -> {});
    assertThat(call.getTime()).isEqualTo(s(3));
    assertThat(call.isActive()).isTrue();
  }

  @Test
  void eachCallLaterReturnsANewCall() {
    // test_task.py: test_callLaterOrdering
    DelayedCall first = clock.callLater(s(10), () -> {});
    DelayedCall second = clock.callLater(s(1), () -> {});
    assertThat(first).isNotSameAs(second);
  }

  @Test
  void advanceRunsCallsOnlyOnceTheirTimeHasCome() {
    // test_task.py: testAdvance
    DelayedCall call = clock.callLater(s(2), () -> events.add("ran"));
    clock.advance(s(1));
    assertThat(events).isEmpty();
    clock.advance(s(1));
    assertThat(events).containsExactly("ran");
    assertThat(call.isActive()).isFalse();
  }

  @Test
  void cancelledCallIsInactiveNeverRunsAndLeavesTheClock() {
    // test_task.py: testCallLaterCancelled
    DelayedCall call = clock.callLater(s(1), () -> events.add("ran"));
    call.cancel();
    assertThat(call.isActive()).isFalse();
    assertThat(clock.getDelayedCalls()).isEmpty();
    clock.advance(s(5));
    assertThat(events).isEmpty();
  }

  @Test
  void cancellingFromInsideTheCallSaysAlreadyCalled() {
    // test_task.py: testAdvanceCancel; the call is marked called before it runs
    DelayedCall[] self = new DelayedCall[1];
    List<Throwable> seen = new ArrayList<>();
    self[0] =
        clock.callLater(
            s(1),
            () -> {
              try {
                self[0].cancel();
              } catch (RuntimeException e) {
                seen.add(e);
              }
            });
    clock.advance(s(1));
    assertThat(seen).singleElement().isInstanceOf(AlreadyCalledException.class);
    assertThat(seen.get(0)).hasMessageContaining("Tried to cancel an already-called event");
  }

  @Test
  void cancellingTwiceSaysAlreadyCancelled() {
    // test_internet.py: test_cancelCancelledDelayedCall
    DelayedCall call = clock.callLater(s(1), () -> {});
    call.cancel();
    assertThatThrownBy(call::cancel)
        .isInstanceOf(AlreadyCancelledException.class)
        .hasMessageContaining("Tried to cancel an already-cancelled event");
  }

  @Test
  void cancellingAfterTheCallRanSaysAlreadyCalled() {
    // test_internet.py: test_cancelCalledDelayedCallAsynchronous
    DelayedCall call = clock.callLater(s(1), () -> {});
    clock.advance(s(1));
    assertThatThrownBy(call::cancel).isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void resetAndDelayRefuseCallsThatRanOrWereCancelled() {
    DelayedCall ran = clock.callLater(s(1), () -> {});
    clock.advance(s(1));
    DelayedCall cancelled = clock.callLater(s(1), () -> {});
    cancelled.cancel();
    assertThatThrownBy(() -> ran.reset(s(1))).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> ran.delay(s(1))).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> cancelled.reset(s(1)))
        .isInstanceOf(AlreadyCancelledException.class)
        .hasMessageContaining("Tried to reset an already-cancelled event");
    assertThatThrownBy(() -> cancelled.delay(s(1)))
        .isInstanceOf(AlreadyCancelledException.class);
  }

  @Test
  void delayMovesTheCallLater() {
    // test_task.py: testCallLaterDelayed
    DelayedCall call = clock.callLater(s(1), () -> events.add("ran"));
    call.delay(s(1));
    assertThat(call.getTime()).isEqualTo(s(2));
    clock.advance(s(1.5));
    assertThat(events).isEmpty();
    clock.advance(s(1.0));
    assertThat(events).containsExactly("ran");
  }

  @Test
  void negativeDelayMovesTheCallEarlier() {
    DelayedCall call = clock.callLater(s(5), () -> events.add("ran"));
    call.delay(s(-3));
    assertThat(call.getTime()).isEqualTo(s(2));
    clock.advance(s(2));
    assertThat(events).containsExactly("ran");
  }

  @Test
  void resetToALaterTimeCountsFromNow() {
    // test_task.py: testCallLaterResetLater
    DelayedCall call = clock.callLater(s(2), () -> events.add("ran"));
    clock.advance(s(1));
    call.reset(s(3));
    assertThat(call.getTime()).isEqualTo(s(4));
    clock.advance(s(2));
    assertThat(events).isEmpty();
    clock.advance(s(1));
    assertThat(events).containsExactly("ran");
  }

  @Test
  void resetToAnEarlierTimeRunsItSooner() {
    // test_task.py: testCallLaterResetSooner
    DelayedCall call = clock.callLater(s(4), () -> events.add("ran"));
    call.reset(s(3));
    assertThat(call.getTime()).isEqualTo(s(3));
    clock.advance(s(3));
    assertThat(events).containsExactly("ran");
  }

  @Test
  void getDelayedCallsListsPendingCallsInRunOrder() {
    // test_task.py: test_getDelayedCalls, test_getDelayedCallsEmpty
    assertThat(clock.getDelayedCalls()).isEmpty();
    DelayedCall later = clock.callLater(s(2), () -> {});
    DelayedCall sooner = clock.callLater(s(1), () -> {});
    assertThat(clock.getDelayedCalls()).containsExactly(sooner, later);
  }

  @Test
  void aCallScheduledLaterButDueEarlierRunsFirstAfterAReset() {
    // test_task.py: test_callLaterKeepsCallsOrdered
    DelayedCall a = clock.callLater(s(1), () -> events.add("a at " + clock.now()));
    a.reset(s(3));
    clock.callLater(s(2), () -> events.add("b at " + clock.now()));
    clock.pump(s(1), s(1), s(1));
    assertThat(events).containsExactly("b at PT2S", "a at PT3S");
  }

  @Test
  void resettingAnEarlierCallPastALaterOneReordersThem() {
    // test_task.py: test_callLaterResetKeepsCallsOrdered
    DelayedCall a = clock.callLater(s(1), () -> events.add("a at " + clock.now()));
    clock.callLater(s(2), () -> events.add("b at " + clock.now()));
    a.reset(s(3));
    clock.pump(s(1), s(1), s(1));
    assertThat(events).containsExactly("b at PT2S", "a at PT3S");
  }

  @Test
  void resetFromInsideARunningCallKeepsTheOrder() {
    // test_task.py: test_callLaterResetInsideCallKeepsCallsOrdered
    DelayedCall b = clock.callLater(s(2), () -> events.add("b at " + clock.now()));
    clock.callLater(s(1), () -> b.reset(s(3)));
    clock.callLater(s(3), () -> events.add("c at " + clock.now()));
    for (int i = 0; i < 10; i++) {
      clock.advance(s(0.5));
    }
    assertThat(events).containsExactly("c at PT3S", "b at PT4S");
  }

  @Test
  void callsDueAtTheSameTimeRunInTheOrderTheyWereScheduled() {
    for (int i = 0; i < 20; i++) {
      int n = i;
      clock.callLater(s(1), () -> events.add("call " + n));
    }
    clock.advance(s(1));
    assertThat(events).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(events.get(i)).isEqualTo("call " + i);
    }
  }

  @Test
  void aRescheduledCallRunsAfterCallsAlreadyDueAtItsNewTime() {
    DelayedCall moved = clock.callLater(s(5), () -> events.add("moved"));
    clock.callLater(s(2), () -> events.add("waiting"));
    moved.reset(s(2));
    clock.advance(s(2));
    assertThat(events).containsExactly("waiting", "moved");
  }

  @Test
  void everyCallInOneAdvanceSeesTheFinalTime() {
    // test_task.py: testAdvance (no intermediate instants)
    clock.callLater(s(1), () -> events.add("first at " + clock.now()));
    clock.callLater(s(2), () -> events.add("second at " + clock.now()));
    clock.advance(s(10));
    assertThat(events).containsExactly("first at PT10S", "second at PT10S");
  }

  @Test
  void aZeroDelayCallScheduledDuringAdvanceRunsInTheSameAdvance() {
    clock.callLater(s(1), () -> clock.callLater(Duration.ZERO, () -> events.add("follow-up")));
    clock.advance(s(1));
    assertThat(events).containsExactly("follow-up");
  }

  @Test
  void aCallThatKeepsReschedulingItselfWithNoDelayFailsTheAdvanceInsteadOfHanging() {
    // Twisted issue #5962: Clock.advance loops forever
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> clock.callLater(Duration.ZERO, loop[0]);
    clock.callLater(Duration.ZERO, loop[0]);
    assertThatThrownBy(() -> clock.advance(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reschedules itself with no delay");
    assertThat(clock.getDelayedCalls()).hasSize(1);
    clock.getDelayedCalls().get(0).cancel();
  }

  @Test
  void anExceptionFromACallPropagatesOutOfAdvanceAndLaterCallsStayQueued() {
    RuntimeException boom = new IllegalStateException("boom");
    clock.callLater(s(1), () -> {
      throw boom;
    });
    DelayedCall next = clock.callLater(s(1), () -> events.add("next"));
    assertThatThrownBy(() -> clock.advance(s(1))).isSameAs(boom);
    assertThat(next.isActive()).isTrue();
    assertThat(events).isEmpty();
    clock.advance(Duration.ZERO);
    assertThat(events).containsExactly("next");
  }

  @Test
  void negativeDelaysAndAdvancesAreRejectedWithTheValue() {
    assertThatThrownBy(() -> clock.callLater(s(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> clock.advance(s(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    DelayedCall call = clock.callLater(s(1), () -> {});
    assertThatThrownBy(() -> call.reset(s(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    call.cancel();
  }

  @Test
  void pumpAdvancesByEachAmountInTurn() {
    clock.callLater(s(1), () -> events.add("at " + clock.now()));
    clock.callLater(s(3), () -> events.add("at " + clock.now()));
    clock.pump(s(1), s(1), s(1));
    assertThat(events).containsExactly("at PT1S", "at PT3S");
    assertThat(clock.now()).isEqualTo(s(3));
  }

  @Test
  void delayedCallToStringShowsStateDueTimeAndTask() {
    Runnable task =
        new Runnable() {
          @Override
          public void run() {}

          @Override
          public String toString() {
            return "heartbeat";
          }
        };
    DelayedCall call = clock.callLater(s(1.5), task);
    assertThat(call).hasToString("DelayedCall[pending, due 1.500s (in 1.500s): heartbeat]");
    clock.advance(s(2));
    assertThat(call).hasToString("DelayedCall[called, was due 1.500s: heartbeat]");
    DelayedCall cancelled = clock.callLater(s(1), task);
    cancelled.cancel();
    assertThat(cancelled.toString()).startsWith("DelayedCall[cancelled, was due 3.000s: ");
  }

  @Test
  void veryLongDelaysSaturateInsteadOfOverflowing() {
    DelayedCall never = clock.callLater(Duration.ofDays(365L * 1_000_000), () -> events.add("x"));
    clock.advance(Duration.ofDays(365L * 100));
    assertThat(events).isEmpty();
    assertThat(never.isActive()).isTrue();
    never.cancel();
  }
}
