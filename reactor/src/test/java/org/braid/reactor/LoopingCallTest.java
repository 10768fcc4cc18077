package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.reactor.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** LoopingCall on a manual clock: the cases of Twisted's test_task.py LoopTests. */
class LoopingCallTest {
  private final ManualClock clock = new ManualClock();
  private final List<Duration> times = new ArrayList<>();

  private static Duration s(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  @Test
  void startRunsNowThenOnEveryInterval() {
    // test_task.py: testBasicFunction
    LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
    Deferred<LoopingCall> stopped = loop.start(s(0.1));
    clock.pump(s(0.05), s(0.1), s(0.1));
    assertThat(times).hasSize(3);
    assertNoResult(stopped);
    loop.stop();
    assertThat(successResultOf(stopped)).isSameAs(loop);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void startWithoutNowWaitsOneInterval() {
    // test_task.py: testDelayedStart
    LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
    Deferred<LoopingCall> stopped = loop.start(s(0.1), false);
    assertThat(times).isEmpty();
    clock.pump(s(0.05), s(0.1), s(0.1));
    assertThat(times).hasSize(2);
    loop.stop();
    assertThat(successResultOf(stopped)).isSameAs(loop);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void negativeIntervalIsRejected() {
    // test_task.py: testBadDelay
    LoopingCall loop = LoopingCall.of(clock, () -> {});
    assertThatThrownBy(() -> loop.start(s(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    assertThat(loop.isRunning()).isFalse();
  }

  @Test
  void stopBeforeTheFirstRunLeavesNothingScheduled() {
    // test_task.py: testStopAtOnce, testStoppingBeforeDelayedStart
    for (Duration interval : List.of(Duration.ZERO, s(10))) {
      LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
      Deferred<LoopingCall> stopped = loop.start(interval, false);
      loop.stop();
      assertThat(successResultOf(stopped)).isSameAs(loop);
      clock.advance(s(20));
      assertThat(times).isEmpty();
      assertThat(clock.getDelayedCalls()).isEmpty();
    }
  }

  @Test
  void stopFromInsideTheFunctionFiresTheDeferredWhenTheRunEnds() {
    // test_task.py: testEveryIteration (a zero interval runs on every clock turn)
    List<Integer> runs = new ArrayList<>();
    LoopingCall[] loop = new LoopingCall[1];
    loop[0] =
        LoopingCall.of(
            clock,
            () -> {
              runs.add(runs.size());
              if (runs.size() > 5) {
                loop[0].stop();
              }
            });
    Deferred<LoopingCall> stopped = loop[0].start(Duration.ZERO);
    clock.advance(Duration.ZERO);
    assertThat(runs).hasSize(6);
    assertThat(successResultOf(stopped)).isSameAs(loop[0]);
    assertThat(loop[0].isRunning()).isFalse();
  }

  @Test
  void anExceptionStopsTheLoopAndFailsItsDeferred() {
    // test_task.py: testFailure
    IllegalStateException boom = new IllegalStateException("boom");
    LoopingCall loop = LoopingCall.of(clock, () -> {
      throw boom;
    });
    Deferred<LoopingCall> stopped = loop.start(s(0.1));
    assertThat(failureResultOf(stopped).value()).isSameAs(boom);
    assertThat(loop.isRunning()).isFalse();
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void stopThenThrowFailsTheDeferredWithTheException() {
    // test_task.py: testFailAndStop
    LoopingCall[] loop = new LoopingCall[1];
    loop[0] =
        LoopingCall.of(
            clock,
            () -> {
              loop[0].stop();
              throw new IllegalStateException("after stop");
            });
    Deferred<LoopingCall> stopped = loop[0].start(s(0.1));
    assertThat(failureResultOf(stopped, IllegalStateException.class).getErrorMessage())
        .isEqualTo("after stop");
  }

  @Test
  void aFailedDeferredFromTheFunctionStopsTheLoop() {
    // test_task.py: testFailurePropagation
    LoopingCall loop =
        LoopingCall.deferring(
            clock,
            () -> {
              Deferred<Void> d = new Deferred<>();
              clock.callLater(s(0.3), () -> d.errback(new IllegalStateException("late")));
              return d;
            });
    Deferred<LoopingCall> stopped = loop.start(s(1));
    assertNoResult(stopped);
    clock.advance(s(0.3));
    assertThat(failureResultOf(stopped, IllegalStateException.class).getErrorMessage())
        .isEqualTo("late");
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void theNextRunWaitsForTheFunctionsDeferred() {
    // test_task.py: testWaitDeferred
    List<Duration> runs = new ArrayList<>();
    LoopingCall[] loop = new LoopingCall[1];
    loop[0] =
        LoopingCall.deferring(
            clock,
            () -> {
              runs.add(clock.now());
              Deferred<Void> d = new Deferred<>();
              d.addCallback(
                  ignored -> {
                    loop[0].stop();
                    return null;
                  });
              clock.callLater(s(1), () -> d.callback(null));
              return d;
            });
    Deferred<LoopingCall> stopped = loop[0].start(s(0.2));
    clock.pump(s(0.2), s(0.8));
    assertThat(runs).containsExactly(Duration.ZERO);
    assertThat(successResultOf(stopped)).isSameAs(loop[0]);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void stopWhileTheFunctionsDeferredIsPendingFiresWhenItFiresWithoutCancellingIt() {
    Deferred<Void> work = new Deferred<>();
    LoopingCall loop = LoopingCall.deferring(clock, () -> work);
    Deferred<LoopingCall> stopped = loop.start(s(1));
    loop.stop();
    assertThat(loop.isRunning()).isFalse();
    assertNoResult(stopped);
    assertNoResult(work); // not cancelled (Twisted issue #11814 keeps it so)
    work.callback(null);
    assertThat(successResultOf(stopped)).isSameAs(loop);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void restartingWhileTheLastRunIsStillPendingIsRefused() {
    // Twisted issue #2998: restarting then corrupts the bookkeeping; here it is refused.
    Deferred<Void> work = new Deferred<>();
    LoopingCall loop = LoopingCall.deferring(clock, () -> work);
    loop.start(s(1));
    loop.stop();
    assertThatThrownBy(() -> loop.start(s(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("last run is still in progress");
    work.callback(null);
    Deferred<LoopingCall> again = loop.start(s(1), false);
    assertThat(loop.isRunning()).isTrue();
    loop.stop();
    assertThat(successResultOf(again)).isSameAs(loop);
  }

  @Test
  void stopWhenNotRunningFailsWithTwistedsMessageAndIsRunningTellsBeforehand() {
    LoopingCall loop = LoopingCall.of(clock, () -> {
      throw new IllegalStateException("died");
    });
    assertThatThrownBy(loop::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Tried to stop a LoopingCall that was not running");
    failureResultOf(loop.start(s(1)), IllegalStateException.class);
    assertThat(loop.isRunning()).isFalse();
    assertThatThrownBy(loop::stop).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void startWhenRunningIsRefused() {
    LoopingCall loop = LoopingCall.of(clock, () -> {});
    loop.start(s(1));
    assertThatThrownBy(() -> loop.start(s(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Tried to start an already running LoopingCall");
    loop.stop();
  }

  @Test
  void startFromInsideTheFunctionIsRefused() {
    // Twisted issue #2804 loses the first Deferred; here the inner start fails.
    LoopingCall[] loop = new LoopingCall[1];
    List<Throwable> errors = new ArrayList<>();
    loop[0] =
        LoopingCall.of(
            clock,
            () -> {
              try {
                loop[0].start(s(1));
              } catch (IllegalStateException e) {
                errors.add(e);
              }
            });
    loop[0].start(s(1));
    assertThat(errors).hasSize(1);
    loop[0].stop();
  }

  @Test
  void aRunLongerThanTheIntervalSkipsToTheNextFutureGridPoint() {
    // test_task.py: test_callbackTimeSkips
    Duration[] callDuration = {s(2)};
    LoopingCall loop =
        LoopingCall.of(
            clock,
            () -> {
              times.add(clock.now());
              clock.advance(callDuration[0]);
            });
    loop.start(s(0.5));
    assertThat(times).containsExactly(Duration.ZERO);
    assertThat(clock.now()).isEqualTo(s(2));
    clock.advance(Duration.ZERO); // 2.0 is the present, not the future: skipped
    assertThat(times).containsExactly(Duration.ZERO);
    callDuration[0] = s(1);
    clock.advance(s(0.5));
    assertThat(times).containsExactly(Duration.ZERO, s(2.5));
    assertThat(clock.now()).isEqualTo(s(3.5));
    clock.advance(Duration.ZERO);
    assertThat(times).containsExactly(Duration.ZERO, s(2.5));
    callDuration[0] = Duration.ZERO;
    clock.advance(s(0.5));
    assertThat(times).containsExactly(Duration.ZERO, s(2.5), s(4));
    loop.stop();
  }

  @Test
  void aLateClockRunsOnceThenResumesTheGrid() {
    // test_task.py: test_reactorTimeSkips
    LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
    loop.start(s(0.5));
    clock.advance(s(2));
    assertThat(times).containsExactly(Duration.ZERO, s(2));
    clock.advance(s(1));
    assertThat(times).containsExactly(Duration.ZERO, s(2), s(3));
    clock.advance(Duration.ZERO);
    assertThat(times).containsExactly(Duration.ZERO, s(2), s(3));
    loop.stop();
  }

  @Test
  void withCountReportsTheIntervalsThatPassed() {
    // test_task.py: test_reactorTimeCountSkips
    List<String> counts = new ArrayList<>();
    LoopingCall loop = LoopingCall.withCount(clock, n -> counts.add(clock.now() + "=" + n));
    loop.start(s(0.5));
    assertThat(counts).containsExactly("PT0S=1");
    clock.advance(s(0.51));
    assertThat(counts).containsExactly("PT0S=1", "PT0.51S=1");
    clock.advance(s(1.51));
    assertThat(counts).containsExactly("PT0S=1", "PT0.51S=1", "PT2.02S=3");
    clock.advance(Duration.ZERO);
    assertThat(counts).hasSize(3);
    loop.stop();
  }

  @Test
  void withCountCountsGridPointsNotElapsedTime() {
    // test_task.py: test_countLengthyIntervalCounts
    List<String> counts = new ArrayList<>();
    LoopingCall loop = LoopingCall.withCount(clock, n -> counts.add(clock.now() + "=" + n));
    loop.start(s(0.5));
    clock.advance(s(0.51));
    clock.advance(s(0.875)); // 1.75 intervals late
    clock.advance(s(0.125));
    assertThat(counts).containsExactly("PT0S=1", "PT0.51S=1", "PT1.385S=1", "PT1.51S=1");
    loop.stop();
  }

  @Test
  void withCountSumsToTheNumberOfIntervalsWithoutEverReportingZero() {
    // test_task.py: test_withCountFloatingPointBoundary (no float drift with nanoseconds)
    List<Integer> counts = new ArrayList<>();
    LoopingCall loop = LoopingCall.withCount(clock, counts::add);
    loop.start(s(0.1), false);
    for (int i = 0; i < 10; i++) {
      clock.advance(s(0.1));
    }
    assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    assertThat(counts).doesNotContain(0);
    loop.stop();
  }

  @Test
  void withCountAndZeroIntervalAlwaysCountsOne() {
    // test_task.py: test_withCountIntervalZero
    List<Integer> counts = new ArrayList<>();
    LoopingCall[] loop = new LoopingCall[1];
    loop[0] =
        LoopingCall.withCount(
            clock,
            n -> {
              counts.add(n);
              if (counts.size() > 4) {
                loop[0].stop();
              }
            });
    Deferred<LoopingCall> stopped = loop[0].start(Duration.ZERO, false);
    clock.advance(Duration.ZERO);
    successResultOf(stopped);
    assertThat(counts).containsExactly(1, 1, 1, 1, 1);
  }

  @Test
  void withCountAndZeroIntervalCountsOneEvenAfterWaitingForADeferred() {
    // test_task.py: test_withCountIntervalZeroDelay
    Deferred<Void> blocker = new Deferred<>();
    List<Integer> counts = new ArrayList<>();
    LoopingCall[] loop = new LoopingCall[1];
    loop[0] =
        LoopingCall.withCountDeferring(
            clock,
            n -> {
              counts.add(n);
              if (counts.size() == 2) {
                return blocker;
              }
              if (counts.size() > 4) {
                loop[0].stop();
              }
              return null;
            });
    loop[0].start(Duration.ZERO, false);
    clock.advance(Duration.ZERO);
    assertThat(counts).containsExactly(1, 1);
    clock.advance(s(2));
    assertThat(counts).containsExactly(1, 1);
    blocker.callback(null);
    clock.advance(Duration.ZERO);
    assertThat(counts).containsExactly(1, 1, 1, 1, 1);
  }

  @Test
  void withCountAfterAnIntervalChangeCountsFromTheLastRun() {
    // test_task.py: test_withCountIntervalZeroDelayThenNonZeroInterval
    Deferred<Void> blocker = new Deferred<>();
    List<Integer> counts = new ArrayList<>();
    LoopingCall loop =
        LoopingCall.withCountDeferring(
            clock,
            n -> {
              counts.add(n);
              return counts.size() == 2 ? blocker : null;
            });
    loop.start(Duration.ZERO, false);
    clock.advance(s(10));
    assertThat(counts).containsExactly(1, 1);
    loop.setInterval(s(2));
    blocker.callback(null);
    clock.advance(s(7));
    assertThat(counts).containsExactly(1, 1, 3);
    clock.advance(s(2));
    assertThat(counts).containsExactly(1, 1, 3, 1);
    clock.advance(s(4));
    assertThat(counts).containsExactly(1, 1, 3, 1, 2);
    loop.stop();
  }

  @Test
  void withCountWaitingForADeferredGetsTheMissedIntervalsAfterwards() {
    // test_task.py: test_deferredWithCount
    Deferred<Void> blocker = new Deferred<>();
    List<Integer> counts = new ArrayList<>();
    LoopingCall loop =
        LoopingCall.withCountDeferring(
            clock,
            n -> {
              counts.add(n);
              return counts.size() == 1 ? blocker : null;
            });
    Deferred<LoopingCall> stopped = loop.start(s(0.2), false);
    assertThat(counts).isEmpty();
    clock.pump(s(0.2), s(0.4));
    assertThat(counts).containsExactly(1);
    blocker.callback(null);
    clock.pump(s(0.2));
    assertThat(counts).containsExactly(1, 3);
    loop.stop();
    successResultOf(stopped);
  }

  @Test
  void resetSkipsTheScheduledRunAndRestartsTheGridFromNow() {
    // test_task.py: test_reset
    LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
    loop.start(s(2), false);
    clock.advance(s(1));
    loop.reset();
    clock.advance(s(1));
    assertThat(times).isEmpty();
    clock.advance(s(1));
    assertThat(times).containsExactly(s(3));
    loop.stop();
  }

  @Test
  void resetWhenNotRunningIsRefused() {
    LoopingCall loop = LoopingCall.of(clock, () -> {});
    assertThatThrownBy(loop::reset)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Tried to reset a LoopingCall that was not running");
  }

  @Test
  void aStoppedLoopCanBeStartedAgain() {
    LoopingCall loop = LoopingCall.of(clock, () -> times.add(clock.now()));
    loop.start(s(1));
    loop.stop();
    clock.advance(s(5));
    Deferred<LoopingCall> second = loop.start(s(1));
    clock.advance(s(1));
    assertThat(times).containsExactly(Duration.ZERO, s(5), s(6));
    loop.stop();
    successResultOf(second);
  }

  @Test
  void toStringShowsIntervalStateAndFunction() {
    Runnable task =
        new Runnable() {
          @Override
          public void run() {}

          @Override
          public String toString() {
            return "heartbeat";
          }
        };
    LoopingCall loop = LoopingCall.of(clock, task);
    assertThat(loop).hasToString("LoopingCall[null, idle: heartbeat]");
    loop.start(s(30));
    assertThat(loop).hasToString("LoopingCall[PT30S, scheduled: heartbeat]");
    assertThat(clock.getDelayedCalls().get(0).toString()).contains("LoopingCall[PT30S");
    loop.stop();
  }
}
