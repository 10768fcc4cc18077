package org.braid.reactor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.reactor.DelayedCall;
import org.junit.jupiter.api.Test;

/** The real reactor's timer heap, driven by a fake nanosecond source. */
class ReactorTimersTest {
  private long fakeNanos = 1_000_000_000L; // any origin: the timers count from their creation
  private final ReactorTimers timers = new ReactorTimers(() -> fakeNanos);
  private final List<String> events = new ArrayList<>();

  private void pass() {
    timers.runDue(TimedCall::run);
  }

  private void elapse(Duration d) {
    fakeNanos += d.toNanos();
  }

  @Test
  void dueCallsRunByTimeThenBySchedulingOrder() {
    timers.callLater(Duration.ofMillis(20), () -> events.add("b"));
    timers.callLater(Duration.ofMillis(10), () -> events.add("a"));
    for (int i = 0; i < 5; i++) {
      int n = i;
      timers.callLater(Duration.ofMillis(30), () -> events.add("c" + n));
    }
    elapse(Duration.ofMillis(30));
    pass();
    assertThat(events).containsExactly("a", "b", "c0", "c1", "c2", "c3", "c4");
  }

  @Test
  void callsNotYetDueWait() {
    timers.callLater(Duration.ofMillis(10), () -> events.add("a"));
    elapse(Duration.ofMillis(9));
    pass();
    assertThat(events).isEmpty();
    assertThat(timers.nanosUntilNext()).isEqualTo(Duration.ofMillis(1).toNanos());
  }

  @Test
  void aZeroDelayCallScheduledDuringAStepRunsInTheNextStep() {
    // ReactorBase.runUntilCurrent: calls added during the pass wait for the next one
    timers.callLater(Duration.ZERO, () -> {
      events.add("first");
      timers.callLater(Duration.ZERO, () -> events.add("second"));
    });
    pass();
    assertThat(events).containsExactly("first");
    assertThat(timers.nanosUntilNext()).isZero();
    pass();
    assertThat(events).containsExactly("first", "second");
  }

  @Test
  void aCallMovedEarlierDuringAStepWaitsForTheNextStep() {
    DelayedCall later = timers.callLater(Duration.ofSeconds(10), () -> events.add("later"));
    timers.callLater(Duration.ZERO, () -> later.reset(Duration.ZERO));
    pass();
    assertThat(events).isEmpty();
    pass();
    assertThat(events).containsExactly("later");
  }

  @Test
  void cancelledCallsNeverRunAndAreRemovedLazily() {
    DelayedCall cancelled = timers.callLater(Duration.ofMillis(5), () -> events.add("cancelled"));
    timers.callLater(Duration.ofMillis(10), () -> events.add("kept"));
    cancelled.cancel();
    assertThat(timers.heapSize()).isEqualTo(2); // still filed
    assertThat(timers.pending()).hasSize(1);
    elapse(Duration.ofMillis(10));
    pass();
    assertThat(events).containsExactly("kept");
    assertThat(timers.heapSize()).isZero();
  }

  @Test
  void manyCancellationsCompactTheHeap() {
    List<DelayedCall> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(timers.callLater(Duration.ofSeconds(1 + i), () -> {}));
    }
    for (int i = 0; i < 150; i++) {
      calls.get(i).cancel();
    }
    // Compaction ran once cancelled calls exceeded both 50 and half the heap.
    assertThat(timers.heapSize()).isLessThan(200);
    assertThat(timers.pending()).hasSize(50);
    assertThat(timers.pending()).containsExactlyElementsOf(calls.subList(150, 200));
  }

  @Test
  void aCallMovedLaterRunsAtItsNewTimeOnly() {
    DelayedCall call = timers.callLater(Duration.ofMillis(10), () -> events.add("moved"));
    call.reset(Duration.ofMillis(50));
    elapse(Duration.ofMillis(10));
    pass();
    assertThat(events).isEmpty();
    assertThat(call.getTime()).isEqualTo(Duration.ofMillis(50));
    elapse(Duration.ofMillis(40));
    pass();
    assertThat(events).containsExactly("moved");
  }

  @Test
  void aCallMovedLaterRunsAfterCallsScheduledForThatTimeBeforeTheMove() {
    DelayedCall moved = timers.callLater(Duration.ofMillis(10), () -> events.add("moved"));
    timers.callLater(Duration.ofMillis(30), () -> events.add("there first"));
    moved.delay(Duration.ofMillis(20));
    elapse(Duration.ofMillis(30));
    pass();
    pass();
    assertThat(events).containsExactly("there first", "moved");
  }

  @Test
  void aCallMovedEarlierRunsAtItsNewTime() {
    DelayedCall call = timers.callLater(Duration.ofSeconds(10), () -> events.add("moved"));
    call.delay(Duration.ofSeconds(-9));
    elapse(Duration.ofSeconds(1));
    pass();
    assertThat(events).containsExactly("moved");
  }

  @Test
  void nanosUntilNextIsMinusOneWithNothingScheduledAndSkipsCancelledCalls() {
    assertThat(timers.nanosUntilNext()).isEqualTo(-1);
    DelayedCall soon = timers.callLater(Duration.ofMillis(1), () -> {});
    timers.callLater(Duration.ofMillis(7), () -> {});
    soon.cancel();
    assertThat(timers.nanosUntilNext()).isEqualTo(Duration.ofMillis(7).toNanos());
  }

  @Test
  void pendingListsCallsInRunOrder() {
    DelayedCall b = timers.callLater(Duration.ofMillis(2), () -> {});
    DelayedCall a = timers.callLater(Duration.ofMillis(1), () -> {});
    DelayedCall c = timers.callLater(Duration.ofMillis(2), () -> {});
    assertThat(timers.pending()).containsExactly(a, b, c);
  }

  @Test
  void negativeDelayIsRejectedWithTheValue() {
    assertThatThrownBy(() -> timers.callLater(Duration.ofMillis(-5), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callLater delay is negative: PT-0.005S; it must be zero or more");
  }

  @Test
  void heapStaysOrderedUnderRandomScheduleCancelAndReset() {
    java.util.Random random = new java.util.Random(42);
    List<DelayedCall> live = new ArrayList<>();
    List<Long> ranAt = new ArrayList<>();
    for (int step = 0; step < 5_000; step++) {
      int op = random.nextInt(10);
      if (op < 6 || live.isEmpty()) {
        DelayedCall[] self = new DelayedCall[1];
        self[0] =
            timers.callLater(
                Duration.ofMillis(random.nextInt(1000)),
                () -> ranAt.add(self[0].getTime().toNanos()));
        live.add(self[0]);
      } else {
        DelayedCall call = live.remove(random.nextInt(live.size()));
        if (!call.isActive()) {
          continue;
        }
        switch (op) {
          case 6, 7 -> call.cancel();
          case 8 -> {
            call.reset(Duration.ofMillis(random.nextInt(1000)));
            live.add(call);
          }
          default -> {
            call.delay(Duration.ofMillis(random.nextInt(200) - 100));
            live.add(call);
          }
        }
      }
      if (step % 50 == 0) {
        elapse(Duration.ofMillis(random.nextInt(100)));
        long now = timers.nowNanos();
        int before = ranAt.size();
        pass();
        for (long due : ranAt.subList(before, ranAt.size())) {
          assertThat(due).isLessThanOrEqualTo(now);
        }
        assertThat(ranAt.subList(before, ranAt.size())).isSorted();
        for (DelayedCall pending : timers.pending()) {
          assertThat(pending.getTime().toNanos()).isGreaterThan(now);
        }
      }
    }
  }
}
