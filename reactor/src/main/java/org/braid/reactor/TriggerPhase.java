package org.braid.reactor;

/** When a system event trigger runs relative to its event (Twisted's "before", "during", "after"). */
public enum TriggerPhase {
  /** First; may return a Deferred that the event waits for. */
  BEFORE,
  /** After every BEFORE trigger and every Deferred they returned. */
  DURING,
  /** Last. */
  AFTER
}
