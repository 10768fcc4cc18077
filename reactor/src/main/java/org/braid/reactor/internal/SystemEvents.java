package org.braid.reactor.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.TriggerId;
import org.braid.reactor.TriggerPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System event triggers (Twisted's {@code _ThreePhaseEvent}, one per event name): what {@code
 * addSystemEventTrigger}, {@code removeSystemEventTrigger} and {@code fireSystemEvent} do, for
 * any reactor.
 *
 * <p>Firing an event runs its BEFORE triggers in registration order, each taken off the list as it
 * runs (so a trigger added meanwhile also runs, and a trigger removed by an earlier one does not);
 * waits for every Deferred they returned, failed ones included (a failure is logged and does not
 * abort the event); then runs the DURING triggers, then the AFTER triggers, the same way. Triggers
 * run once: firing the event again runs only triggers added since. A trigger that throws is logged
 * and the others still run. The wait may be bounded per event name (the reactor bounds
 * "shutdown"); when the bound expires, the wait is abandoned with a warning naming the triggers
 * still pending, and the event goes on. Different events are independent.
 *
 * <p>Reactor thread only.
 */
public final class SystemEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SystemEvents.class);

  /** One registered trigger. */
  private record Trigger(TriggerId id, Callable<? extends Deferred<?>> body, Object source) {
    @Override
    public String toString() {
      return id.phase() + " " + id.event() + " trigger #" + id.sequence() + " (" + source + ")";
    }
  }

  /** The pending triggers of one event, per phase, by sequence in registration order. */
  private static final class EventTriggers {
    final Map<TriggerPhase, LinkedHashMap<Long, Trigger>> phases = new EnumMap<>(TriggerPhase.class);

    EventTriggers() {
      for (TriggerPhase phase : TriggerPhase.values()) {
        phases.put(phase, new LinkedHashMap<>());
      }
    }
  }

  private final ReactorTime clock;
  private final CallbackGuard guard;
  private final Map<String, Duration> bounds;
  private final Map<String, EventTriggers> events = new HashMap<>();
  private long nextSequence;

  /**
   * Creates a registry with no triggers.
   *
   * @param clock for bounded waits
   * @param guard runs each trigger, isolating and logging what it throws
   * @param bounds the longest wait for BEFORE-trigger Deferreds, per event name; events not in the
   *     map wait as long as it takes
   */
  public SystemEvents(ReactorTime clock, CallbackGuard guard, Map<String, Duration> bounds) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.bounds = Map.copyOf(bounds);
  }

  /**
   * Registers a trigger.
   *
   * @param phase its phase
   * @param event the event name
   * @param body what to run; may return a Deferred (waited for in the BEFORE phase) or {@code
   *     null}
   * @param source what the user passed, for logs
   * @return the trigger's id
   */
  public TriggerId add(
      TriggerPhase phase, String event, Callable<? extends Deferred<?>> body, Object source) {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(body, "body");
    TriggerId id = new TriggerId(phase, event, nextSequence++);
    events.computeIfAbsent(event, e -> new EventTriggers())
        .phases
        .get(phase)
        .put(id.sequence(), new Trigger(id, body, source));
    return id;
  }

  /**
   * Removes a trigger that has not run yet.
   *
   * @param id the trigger's id
   * @throws IllegalArgumentException when no such trigger is pending
   */
  public void remove(TriggerId id) {
    Objects.requireNonNull(id, "id");
    EventTriggers triggers = events.get(id.event());
    Trigger removed =
        triggers == null ? null : triggers.phases.get(id.phase()).remove(id.sequence());
    if (removed == null) {
      throw new IllegalArgumentException(
          "no pending system event trigger "
              + id
              + ": it already ran, was already removed, or belongs to another reactor");
    }
  }

  /**
   * Fires an event: BEFORE triggers, the wait, then DURING and AFTER triggers.
   *
   * @param event the event name
   */
  public void fire(String event) {
    runBefore(event).addCallback(ignored -> {
      runDuringAndAfter(event);
      return null;
    });
  }

  /**
   * Runs the BEFORE triggers of an event and waits for their Deferreds (bounded when the event has
   * a bound). The reactor uses this half directly for "shutdown", to close connections between
   * the BEFORE and DURING phases.
   *
   * @param event the event name
   * @return fires when the wait is over; never fails
   */
  public Deferred<Void> runBefore(String event) {
    BoundedWait<Trigger> wait = new BoundedWait<>(clock, LOG, "before-" + event + " triggers");
    EventTriggers triggers = events.get(event);
    if (triggers != null) {
      LinkedHashMap<Long, Trigger> before = triggers.phases.get(TriggerPhase.BEFORE);
      Map.Entry<Long, Trigger> next;
      while ((next = before.pollFirstEntry()) != null) {
        Trigger trigger = next.getValue();
        Deferred<?> result = guard.call("in system event trigger", trigger, trigger.body());
        if (result != null) {
          wait.add(trigger, result);
        }
      }
    }
    return wait.finish(bounds.get(event), stragglers -> {});
  }

  /**
   * Runs the DURING, then the AFTER triggers of an event. Deferreds they return are not waited
   * for; their failures are logged.
   *
   * @param event the event name
   */
  public void runDuringAndAfter(String event) {
    EventTriggers triggers = events.get(event);
    if (triggers == null) {
      return;
    }
    for (TriggerPhase phase : new TriggerPhase[] {TriggerPhase.DURING, TriggerPhase.AFTER}) {
      LinkedHashMap<Long, Trigger> list = triggers.phases.get(phase);
      Map.Entry<Long, Trigger> next;
      while ((next = list.pollFirstEntry()) != null) {
        Trigger trigger = next.getValue();
        Deferred<?> result = guard.call("in system event trigger", trigger, trigger.body());
        if (result != null) {
          result.addErrback(
              failure -> {
                LOG.error("Deferred returned by {} failed", trigger, failure.value());
                return null;
              });
        }
      }
    }
  }

  /**
   * Tells whether any trigger is pending for the event, in any phase.
   *
   * @param event the event name
   * @return whether one is registered and has not run
   */
  public boolean hasPending(String event) {
    EventTriggers triggers = events.get(event);
    return triggers != null && triggers.phases.values().stream().anyMatch(m -> !m.isEmpty());
  }
}
