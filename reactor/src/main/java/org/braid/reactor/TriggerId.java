package org.braid.reactor;

/**
 * Identifies one registered system event trigger, for {@link Reactor#removeSystemEventTrigger}.
 * Thread-safe (immutable).
 *
 * @param phase the trigger's phase
 * @param event the event name
 * @param sequence a number unique within the reactor
 */
public record TriggerId(TriggerPhase phase, String event, long sequence) {}
