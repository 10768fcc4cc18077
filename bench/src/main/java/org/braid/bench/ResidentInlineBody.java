package org.braid.bench;

import static org.braid.inline.Inline.await;

import org.braid.deferred.Deferred;
import org.braid.inline.Inline;

/**
 * One inline body that lives for a whole benchmark run, resumed once per operation by the thread
 * that created it, which plays the reactor: {@link #resume} fires the Deferred the body awaits;
 * the body continues inside that {@code callback(...)}, awaits {@code firedAwaits} Deferreds that
 * have already fired (each continues at once, on the same thread), creates the next Deferred and
 * awaits it; only then does {@code callback(...)} return. So one {@link #resume} is one full await
 * round trip plus {@code firedAwaits} fired awaits, and returns what the body computed.
 *
 * <p>Values stay inside the {@code Integer} cache ({@code & 127}), so the allocations counted are
 * the libraries' own. Owning logical thread only: the thread that constructed it.
 */
final class ResidentInlineBody {
  /** Fired into the pending Deferred to make the body return. */
  static final int STOP = -1;

  private final int firedAwaits;
  private final Deferred<Integer> finished;

  /** The Deferred the body awaits now; written by the body, read by the resumer. */
  private Deferred<Integer> pending;

  /** What the body computed from the last value it was given. */
  private int total;

  /**
   * Starts the body; it runs up to its first await.
   *
   * @param firedAwaits how many already-fired Deferreds the body awaits after each resumption
   */
  ResidentInlineBody(int firedAwaits) {
    this.firedAwaits = firedAwaits;
    this.finished = Inline.run(this::body);
    if (pending == null) {
      throw new IllegalStateException("the inline body did not reach its first await");
    }
  }

  private Integer body() throws Exception {
    int resumptions = 0;
    while (true) {
      Deferred<Integer> next = new Deferred<>();
      pending = next;
      int x = await(next);
      if (x == STOP) {
        return resumptions;
      }
      for (int i = 0; i < firedAwaits; i++) {
        x = await(Deferred.succeed((x + 1) & 127));
      }
      total = x;
      resumptions++;
    }
  }

  /**
   * Gives the body {@code value} and returns once it awaits again.
   *
   * @param value a value in 0..127
   * @return {@code (value + firedAwaits) & 127}, as the body computed it
   */
  int resume(int value) {
    pending.callback(value);
    return total;
  }

  /**
   * Makes the body return, and checks that it did.
   *
   * @return how many times the body was resumed before
   * @throws IllegalStateException when the body did not end inside this call
   */
  int stop() {
    pending.callback(STOP);
    int[] resumptions = {-1};
    finished.addCallback(
        n -> {
          resumptions[0] = n;
          return null;
        });
    if (resumptions[0] < 0) {
      throw new IllegalStateException("the inline body did not end when told to stop");
    }
    return resumptions[0];
  }
}
