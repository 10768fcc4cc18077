package org.braid.bench;

import org.braid.deferred.Callback;
import org.braid.deferred.Deferred;

/**
 * The callback-style twin of {@link ResidentInlineBody}: the same steps written as a plain
 * callback chain. Each value arrives in a callback on the pending Deferred; the callback takes
 * {@code firedAwaits} values from Deferreds that have already fired (each with one more callback,
 * which runs as it is added), creates the next Deferred and adds itself to it. That is what an
 * inline body's {@code await} does underneath, without the virtual thread.
 *
 * <p>Owning logical thread only.
 */
final class ResidentCallbackChain {
  private final int firedAwaits;

  /** The Deferred the chain waits on now. */
  private Deferred<Integer> pending;

  private int total;
  private int captured;
  private int resumptions;

  private final Callback<Integer, Object> capture =
      v -> {
        captured = v;
        return null;
      };

  private final Callback<Integer, Object> onValue = this::onValue;

  /**
   * Creates the chain, waiting for its first value.
   *
   * @param firedAwaits how many already-fired Deferreds it takes values from after each value
   */
  ResidentCallbackChain(int firedAwaits) {
    this.firedAwaits = firedAwaits;
    arm();
  }

  private void arm() {
    Deferred<Integer> next = new Deferred<>();
    pending = next;
    next.addCallback(onValue);
  }

  private Object onValue(Integer value) {
    int x = value;
    for (int i = 0; i < firedAwaits; i++) {
      Deferred.succeed((x + 1) & 127).addCallback(capture);
      x = captured;
    }
    total = x;
    resumptions++;
    arm();
    return null;
  }

  /**
   * Fires the pending Deferred with {@code value}; the chain runs and waits on the next one.
   *
   * @param value a value in 0..127
   * @return {@code (value + firedAwaits) & 127}, as the chain computed it
   */
  int resume(int value) {
    pending.callback(value);
    return total;
  }

  /**
   * How many values the chain has taken.
   *
   * @return the count
   */
  int resumptions() {
    return resumptions;
  }
}
