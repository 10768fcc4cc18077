package org.braid.inline.internal;

import org.braid.deferred.Deferred;

/**
 * Attached as a suppressed exception to what {@code await} rethrows, so the stack trace shows
 * where the inline body waited, not only where the failure began. Thread-safe (immutable).
 */
final class AwaitSite extends Exception {
  private static final long serialVersionUID = 1L;

  AwaitSite(Deferred<?> awaited) {
    super("awaited here: " + awaited);
  }
}
