package org.braid.reactor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.reactor.TriggerPhase.AFTER;
import static org.braid.reactor.TriggerPhase.BEFORE;
import static org.braid.reactor.TriggerPhase.DURING;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.reactor.LogCapture;
import org.braid.reactor.TriggerId;
import org.braid.reactor.TriggerPhase;
import org.braid.reactor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** System event triggers (Twisted's _ThreePhaseEvent), on a manual clock. */
class SystemEventsTest {
  private final ManualClock clock = new ManualClock();
  private final LogCapture guardLog = LogCapture.of(SystemEventsTest.class);
  private final LogCapture eventsLog = LogCapture.of(SystemEvents.class);
  private final SystemEvents events =
      new SystemEvents(
          clock,
          new CallbackGuard(LoggerFactory.getLogger(SystemEventsTest.class), null),
          Map.of("shutdown", Duration.ofSeconds(10)));
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void close() {
    guardLog.close();
    eventsLog.close();
  }

  private TriggerId add(TriggerPhase phase, String event, String name) {
    return events.add(phase, event, () -> {
      log.add(name);
      return null;
    }, name);
  }

  private TriggerId addDeferring(
      TriggerPhase phase, String event, Callable<? extends Deferred<?>> body) {
    return events.add(phase, event, body, body);
  }

  @Test
  void firingRunsBeforeThenDuringThenAfterEachInRegistrationOrder() {
    // test_internet.py: test_fireEvent
    add(AFTER, "test", "after 1");
    add(DURING, "test", "during 1");
    add(BEFORE, "test", "before 1");
    add(BEFORE, "test", "before 2");
    add(DURING, "test", "during 2");
    add(AFTER, "test", "after 2");
    events.fire("test");
    assertThat(log)
        .containsExactly("before 1", "before 2", "during 1", "during 2", "after 1", "after 2");
  }

  @Test
  void duringWaitsForTheDeferredsReturnedByBeforeTriggers() {
    // test_internet.py: test_asynchronousBefore, test_multipleBeforeReturnDeferred
    Deferred<Void> first = new Deferred<>();
    Deferred<Void> second = new Deferred<>();
    addDeferring(BEFORE, "test", () -> first);
    addDeferring(BEFORE, "test", () -> second);
    add(DURING, "test", "during");
    events.fire("test");
    assertThat(log).isEmpty();
    first.callback(null);
    assertThat(log).isEmpty();
    second.callback(null);
    assertThat(log).containsExactly("during");
  }

  @Test
  void aFailedBeforeDeferredIsLoggedAndDoesNotAbortTheEvent() {
    addDeferring(BEFORE, "test", () -> Deferred.fail(new IllegalStateException("flush failed")));
    add(DURING, "test", "during");
    events.fire("test");
    assertThat(log).containsExactly("during");
    assertThat(eventsLog.events(Level.ERROR))
        .singleElement()
        .satisfies(e -> assertThat(LogCapture.thrown(e)).contains("flush failed"));
  }

  @Test
  void aTriggerThatThrowsIsLoggedAndTheOthersStillRun() {
    // test_internet.py: test_beforeTriggerException, test_duringTriggerException
    events.add(BEFORE, "test", () -> {
      throw new IllegalStateException("bad before");
    }, "bad before");
    add(BEFORE, "test", "good before");
    events.add(DURING, "test", () -> {
      throw new IllegalStateException("bad during");
    }, "bad during");
    add(DURING, "test", "good during");
    events.fire("test");
    assertThat(log).containsExactly("good before", "good during");
    assertThat(guardLog.events(Level.ERROR)).hasSize(2);
    assertThat(guardLog.messages(Level.ERROR).get(0)).contains("bad before");
  }

  @Test
  void aLaterBeforeTriggerMayFireTheDeferredOfAnEarlierOne() {
    // test_internet.py: test_subsequentBeforeTriggerFiresPriorBeforeDeferred
    Deferred<Void> first = new Deferred<>();
    Deferred<Void> third = new Deferred<>();
    addDeferring(BEFORE, "test", () -> first);
    addDeferring(BEFORE, "test", () -> {
      first.callback(null);
      return null;
    });
    addDeferring(BEFORE, "test", () -> third);
    add(DURING, "test", "during");
    events.fire("test");
    assertThat(log).isEmpty();
    third.callback(null);
    assertThat(log).containsExactly("during");
  }

  @Test
  void triggersRunOnce() {
    // test_internet.py: test_triggersRunOnce
    add(BEFORE, "test", "before");
    add(DURING, "test", "during");
    add(AFTER, "test", "after");
    events.fire("test");
    events.fire("test");
    assertThat(log).containsExactly("before", "during", "after");
    assertThat(events.hasPending("test")).isFalse();
  }

  @Test
  void aRemovedTriggerDoesNotRun() {
    // test_internet.py: test_removeTrigger
    TriggerId id = add(DURING, "test", "removed");
    add(DURING, "test", "kept");
    events.remove(id);
    events.fire("test");
    assertThat(log).containsExactly("kept");
  }

  @Test
  void anEarlierTriggerMayRemoveAPendingOneOfTheSameEvent() {
    // test_internet.py: test_synchronousRemovePendingBefore, test_synchronousBeforeRemovesDuring
    TriggerId[] ids = new TriggerId[2];
    events.add(BEFORE, "test", () -> {
      events.remove(ids[0]);
      events.remove(ids[1]);
      return null;
    }, "remover");
    ids[0] = add(BEFORE, "test", "removed before");
    ids[1] = add(DURING, "test", "removed during");
    add(DURING, "test", "kept");
    events.fire("test");
    assertThat(log).containsExactly("kept");
  }

  @Test
  void aDuringTriggerRemovedWhileWaitingForBeforeDeferredsDoesNotRun() {
    // test_internet.py: test_asynchronousBeforeRemovesDuring
    Deferred<Void> waiting = new Deferred<>();
    addDeferring(BEFORE, "test", () -> waiting);
    TriggerId during = add(DURING, "test", "during");
    events.fire("test");
    events.remove(during);
    waiting.callback(null);
    assertThat(log).isEmpty();
  }

  @Test
  void removingATriggerThatRanOrNeverExistedIsRejected() {
    // test_internet.py: test_removeNonexistentTrigger, test_removeRemovedTrigger
    TriggerId id = add(DURING, "test", "once");
    events.fire("test");
    assertThatThrownBy(() -> events.remove(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no pending system event trigger")
        .hasMessageContaining(id.toString());
    TriggerId removed = add(DURING, "test", "removed");
    events.remove(removed);
    assertThatThrownBy(() -> events.remove(removed)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> events.remove(new TriggerId(DURING, "other", 99)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTriggerAddedByABeforeTriggerOfTheSameEventRunsInThisFiring() {
    events.add(BEFORE, "test", () -> {
      add(BEFORE, "test", "added before");
      add(AFTER, "test", "added after");
      return null;
    }, "adder");
    events.fire("test");
    assertThat(log).containsExactly("added before", "added after");
  }

  @Test
  void differentEventsAreIndependent() {
    // test_internet.py: test_interactionBetweenDifferentEvents
    Deferred<Void> blocking = new Deferred<>();
    addDeferring(BEFORE, "first", () -> blocking);
    add(DURING, "first", "first during");
    add(DURING, "second", "second during");
    events.fire("first");
    events.fire("second");
    assertThat(log).containsExactly("second during");
    blocking.callback(null);
    assertThat(log).containsExactly("second during", "first during");
  }

  @Test
  void theShutdownWaitForBeforeDeferredsIsBoundedAndLogsWhatIsStillPending() {
    Callable<Deferred<Void>> neverFires =
        new Callable<>() {
          @Override
          public Deferred<Void> call() {
            return new Deferred<>();
          }

          @Override
          public String toString() {
            return "flush audit log";
          }
        };
    addDeferring(BEFORE, "shutdown", neverFires);
    add(DURING, "shutdown", "during");
    events.fire("shutdown");
    clock.advance(Duration.ofSeconds(9));
    assertThat(log).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(log).containsExactly("during");
    assertThat(eventsLog.messages(Level.WARN))
        .singleElement()
        .asString()
        .contains("Gave up waiting for before-shutdown triggers after PT10S")
        .contains("flush audit log");
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void theBoundTimerIsCancelledWhenBeforeDeferredsFireInTime() {
    Deferred<Void> flushed = new Deferred<>();
    addDeferring(BEFORE, "shutdown", () -> flushed);
    events.fire("shutdown");
    assertThat(clock.getDelayedCalls()).hasSize(1);
    flushed.callback(null);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void otherEventsWaitForBeforeDeferredsWithoutBound() {
    Deferred<Void> slow = new Deferred<>();
    addDeferring(BEFORE, "startup", () -> slow);
    add(DURING, "startup", "during");
    events.fire("startup");
    assertThat(clock.getDelayedCalls()).isEmpty();
    clock.advance(Duration.ofDays(1));
    assertThat(log).isEmpty();
    slow.callback(null);
    assertThat(log).containsExactly("during");
  }

  @Test
  void aFailedDeferredFromADuringTriggerIsLogged() {
    addDeferring(DURING, "test", () -> Deferred.fail(new IllegalStateException("late failure")));
    events.fire("test");
    assertThat(eventsLog.events(Level.ERROR))
        .singleElement()
        .satisfies(e -> assertThat(LogCapture.thrown(e)).contains("late failure"));
  }
}
