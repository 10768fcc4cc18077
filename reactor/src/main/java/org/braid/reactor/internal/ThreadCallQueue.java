package org.braid.reactor.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The queue behind {@code callFromThread}: many producers, one consumer (the reactor thread).
 *
 * <p>Producers never block: a lock-free queue ({@link ConcurrentLinkedQueue}, whose linearizable
 * {@code add} keeps each producer's calls in the order it made them) plus a wake-up flag, so that
 * a burst of calls wakes the selector once, not once per call. The flag is cleared by the reactor
 * at the start of each pass, before it takes the calls queued so far: a producer that adds after
 * the clear sets the flag and wakes the selector, so the loop never sleeps on a non-empty queue.
 * A producer that adds between the clear and the take causes one spare wake-up, which costs an
 * empty pass and nothing else.
 *
 * <p>Once the reactor has stopped ({@link #close}), calls are no longer run: the ones left in the
 * queue, and any added later, are handed to a rejection handler ({@link RejectableCall}s are told,
 * the others are logged by the handler). The close and a concurrent add race benignly: the closer
 * sets the flag then drains, the producer adds then checks the flag, so one of them always sees
 * the other's call.
 *
 * <p>Any thread, except {@link #runQueued} and {@link #close} (reactor thread).
 */
public final class ThreadCallQueue {

  /**
   * Put at the tail at the start of a pass to mark where "queued before this pass" ends. Only the
   * reactor thread adds it and it takes it out in the same pass, so at most one is ever queued.
   */
  private static final Runnable END_OF_PASS =
      new Runnable() {
        @Override
        public void run() {}

        @Override
        public String toString() {
          return "END_OF_PASS";
        }
      };

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Runnable wakeup;
  private volatile Consumer<Runnable> rejected;

  /**
   * Creates an empty queue.
   *
   * @param wakeup wakes the loop, e.g. {@code selector::wakeup}; called from producer threads
   */
  public ThreadCallQueue(Runnable wakeup) {
    this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
  }

  /**
   * Queues a call from any thread and wakes the loop unless a wake-up is already pending.
   *
   * @param call what to run
   * @param onLoopThread whether the caller is the thread running the loop now; it skips the
   *     wake-up, since the loop checks {@link #hasQueued()} before it sleeps
   */
  public void add(Runnable call, boolean onLoopThread) {
    Objects.requireNonNull(call, "call");
    queue.add(call);
    if (rejected != null) {
      rejectQueued();
      return;
    }
    // Test before test-and-set: in a storm most producers see the flag already set and skip
    // the contended write.
    if (!onLoopThread && !wakeupPending.get() && wakeupPending.compareAndSet(false, true)) {
      wakeup.run();
    }
  }

  /**
   * Runs the calls queued before this method started, in queue order, through {@code runner}
   * (which isolates what they throw). Calls added meanwhile, also by the calls themselves, wait
   * for the next pass. Reactor thread.
   *
   * @param runner runs one call, guarded
   * @return how many calls ran
   */
  public int runQueued(Consumer<Runnable> runner) {
    wakeupPending.set(false);
    if (queue.isEmpty()) {
      return 0;
    }
    queue.add(END_OF_PASS);
    int ran = 0;
    Runnable call;
    while ((call = queue.poll()) != END_OF_PASS) {
      runner.accept(call);
      ran++;
    }
    return ran;
  }

  /**
   * Tells whether calls are waiting (the loop must then not sleep). Reactor thread.
   *
   * @return whether the queue is non-empty
   */
  public boolean hasQueued() {
    return !queue.isEmpty();
  }

  /**
   * Stops running calls: the queued ones and all later ones go to {@code rejectedCalls}, on
   * whichever thread notices them. Reactor thread, once.
   *
   * @param rejectedCalls told about each call that will never run; must not throw
   */
  public void close(Consumer<Runnable> rejectedCalls) {
    this.rejected = Objects.requireNonNull(rejectedCalls, "rejectedCalls");
    rejectQueued();
  }

  private void rejectQueued() {
    Runnable call;
    while ((call = queue.poll()) != null) {
      if (call != END_OF_PASS) {
        rejected.accept(call);
      }
    }
  }
}
