package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.reactor.RunningReactor.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.reactor.internal.SystemEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** run, stop, callWhenRunning and the startup and shutdown events of the real reactor. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectorReactorLifecycleTest {
  private final SelectorReactor reactor = new SelectorReactor();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @Test
  void stopBeforeRunFailsWithTwistedsMessage() {
    // test_core.py: test_stopWhenNotStarted
    assertThatThrownBy(reactor::stop)
        .isInstanceOf(ReactorNotRunningException.class)
        .hasMessage("Can't stop reactor that isn't running. (it was never started)");
  }

  @Test
  void runWhileRunningIsRefused() throws Exception {
    // test_core.py: test_multipleRun
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThatThrownBy(reactor::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already running on thread")
          .hasMessageContaining("reactor-under-test");
      running.stopAndJoin();
    }
  }

  @Test
  void aStoppedReactorCannotBeRunAgainNorStoppedAgain() throws Exception {
    // test_core.py: test_runAfterStop, test_stopWhenAlreadyStopped
    RunningReactor.start(reactor).stopAndJoin();
    assertThatThrownBy(reactor::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be restarted");
    assertThatThrownBy(reactor::stop)
        .isInstanceOf(ReactorNotRunningException.class)
        .hasMessageContaining("Can't stop reactor that isn't running.")
        .hasMessageContaining("it has stopped");
    assertThat(reactor.isRunning()).isFalse();
  }

  @Test
  void aSecondStopFailsAndSaysStopWasAlreadyCalled() throws Exception {
    // Twisted issue #11080: the message says why
    try (RunningReactor running = RunningReactor.start(reactor)) {
      List<Throwable> second = new ArrayList<>();
      reactor.callFromThread(
          () -> {
            reactor.stop();
            try {
              reactor.stop();
            } catch (ReactorNotRunningException e) {
              second.add(e);
            }
          });
      running.join();
      assertThat(second).singleElement().asString().contains("stop() was already called");
    }
  }

  @Test
  void shutdownTriggersFireAfterStopReturnsNotInsideIt() throws Exception {
    // test_core.py: test_shutdownFiresTriggersAsynchronously
    reactor.addSystemEventTrigger(TriggerPhase.BEFORE, "shutdown", () -> events.add("before shutdown"));
    RunningReactor running = RunningReactor.start(reactor);
    reactor.callFromThread(
        () -> {
          reactor.stop();
          events.add("stopped");
        });
    running.join();
    assertThat(events).containsExactly("stopped", "before shutdown");
  }

  @Test
  void allShutdownPhasesRunBeforeRunReturnsAndOnlyBeforeSeesItRunning() throws Exception {
    // test_core.py: test_stopShutDownEvents
    for (TriggerPhase phase : TriggerPhase.values()) {
      reactor.addSystemEventTrigger(
          phase, "shutdown", () -> events.add(phase + " running=" + reactor.isRunning()));
    }
    RunningReactor.start(reactor).stopAndJoin();
    assertThat(events)
        .containsExactly("BEFORE running=true", "DURING running=false", "AFTER running=false");
  }

  @Test
  void theReactorIsRunningFromDuringStartupOnAndCallWhenRunningKeepsOrder() throws Exception {
    // test_core.py: test_runningForStartupEvents, test_callWhenRunningOrder
    for (TriggerPhase phase : TriggerPhase.values()) {
      reactor.addSystemEventTrigger(
          phase, "startup", () -> events.add(phase + " running=" + reactor.isRunning()));
    }
    reactor.callWhenRunning(() -> events.add("first"));
    reactor.callWhenRunning(() -> events.add("second"));
    try (RunningReactor running = RunningReactor.start(reactor)) {
      running.run(() -> reactor.callWhenRunning(() -> events.add("now, synchronously")));
      assertThat(events)
          .containsExactly(
              "BEFORE running=false",
              "DURING running=true",
              "AFTER running=true",
              "first",
              "second",
              "now, synchronously");
      running.stopAndJoin();
    }
  }

  @Test
  void anAsynchronousBeforeStartupTriggerDelaysRunningButTimersAlreadyRun() throws Exception {
    // test_core.py: test_runWithAsynchronousBeforeStartupTrigger
    reactor.addSystemEventTriggerDeferring(
        TriggerPhase.BEFORE,
        "startup",
        () -> {
          Deferred<Void> ready = new Deferred<>();
          reactor.callLater(
              Duration.ZERO,
              () -> {
                events.add("timer ran, running=" + reactor.isRunning());
                ready.callback(null);
              });
          return ready;
        });
    reactor.callWhenRunning(() -> events.add("running"));
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThat(events).containsExactly("timer ran, running=false", "running");
      running.stopAndJoin();
    }
  }

  @Test
  void aBeforeShutdownDeferredIsWaitedForWhileTheLoopGoesOn() throws Exception {
    // test_internet.py: test_beforeReturnsDeferred, on the real reactor
    reactor.addSystemEventTriggerDeferring(
        TriggerPhase.BEFORE,
        "shutdown",
        () -> reactor.deferLater(Duration.ofMillis(20), () -> events.add("flushed")));
    reactor.addSystemEventTrigger(TriggerPhase.DURING, "shutdown", () -> events.add("during"));
    RunningReactor.start(reactor).stopAndJoin();
    assertThat(events).containsExactly("flushed", "during");
  }

  @Test
  void aBeforeShutdownDeferredThatNeverFiresIsAbandonedAfterTheBound() throws Exception {
    SelectorReactor bounded =
        SelectorReactor.builder().shutdownTimeout(Duration.ofMillis(100)).build();
    bounded.addSystemEventTriggerDeferring(
        TriggerPhase.BEFORE,
        "shutdown",
        new java.util.concurrent.Callable<Deferred<Void>>() {
          @Override
          public Deferred<Void> call() {
            return new Deferred<>();
          }

          @Override
          public String toString() {
            return "never-fires";
          }
        });
    bounded.addSystemEventTrigger(TriggerPhase.AFTER, "shutdown", () -> events.add("after"));
    try (LogCapture log = LogCapture.of(SystemEvents.class)) {
      RunningReactor.start(bounded).stopAndJoin();
      assertThat(events).containsExactly("after");
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains("before-shutdown triggers")
          .contains("never-fires");
    }
  }

  @Test
  void aTriggerThatThrowsIsLoggedAndShutdownGoesOn() throws Exception {
    reactor.addSystemEventTrigger(
        TriggerPhase.BEFORE,
        "shutdown",
        () -> {
          throw new IllegalStateException("trigger broke");
        });
    reactor.addSystemEventTrigger(TriggerPhase.DURING, "shutdown", () -> events.add("during"));
    try (LogCapture log = LogCapture.of(SelectorReactor.class)) {
      RunningReactor.start(reactor).stopAndJoin();
      assertThat(events).containsExactly("during");
      assertThat(log.events(Level.ERROR))
          .singleElement()
          .satisfies(e -> assertThat(LogCapture.thrown(e)).contains("trigger broke"));
    }
  }

  @Test
  void fireSystemEventRunsUserEventsOnTheReactor() throws Exception {
    reactor.addSystemEventTrigger(TriggerPhase.DURING, "persist", () -> events.add("persisted"));
    try (RunningReactor running = RunningReactor.start(reactor)) {
      running.run(() -> reactor.fireSystemEvent("persist"));
      assertThat(events).containsExactly("persisted");
      running.stopAndJoin();
    }
  }

  @Test
  void stopFromATimerEndsTheLoopEvenWithNothingElseToDo() throws Exception {
    CountDownLatch stopping = new CountDownLatch(1);
    reactor.addSystemEventTrigger(TriggerPhase.BEFORE, "shutdown", stopping::countDown);
    RunningReactor running = RunningReactor.start(reactor);
    reactor.callFromThread(() -> reactor.callLater(Duration.ofMillis(1), reactor::stop));
    await(stopping);
    running.join();
    assertThat(reactor.isRunning()).isFalse();
  }
}
