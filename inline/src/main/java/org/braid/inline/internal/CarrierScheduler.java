package org.braid.inline.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A virtual-thread scheduler that runs inline bodies on the thread that resumes them: the home
 * thread (a platform thread: the reactor thread, or a test thread) mounts the body's continuation
 * itself, inside the {@code unpark} call, so an await round trip costs no OS-level wake-up.
 *
 * <p>It is a trampoline. When a body resumes another body (body A fires the Deferred that body B
 * awaits), A is itself mounted on the home thread and cannot mount B; B's continuation is queued,
 * A parks (its baton loop), A's continuation yields back to the drain loop on the home thread, and
 * the loop runs B. So bodies of one home thread never run at the same time, and never on two
 * threads at once.
 *
 * <p>A continuation submitted by any other thread (the JDK's timer thread waking a body that
 * called {@code Thread.sleep}, say) is drained on that thread instead; the logical thread is still
 * one, because whoever handed the body the baton waits for it to come back.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread.
 */
final class CarrierScheduler implements Executor {
  private final Thread home;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  CarrierScheduler(Thread home) {
    this.home = home;
  }

  Thread home() {
    return home;
  }

  @Override
  public void execute(Runnable continuation) {
    queue.add(continuation);
    if (!Thread.currentThread().isVirtual()) {
      drain();
    } else if (InlineTask.schedulerOfCurrentBody() != this) {
      // A virtual thread cannot carry another one. One of our own bodies is carried by this
      // scheduler's drain loop, which runs the continuation as soon as that body parks; any other
      // virtual thread is part of no drain of ours, so a platform thread drains instead.
      Thread.ofPlatform().daemon().name("braid-inline-drain").start(this::drain);
    }
  }

  private void drain() {
    while (draining.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = queue.poll()) != null) {
          next.run();
        }
      } finally {
        draining.set(false);
      }
      if (queue.isEmpty()) {
        // Racy, but the race is benign: a task added after this check is added by a thread that
        // then finds `draining` false and drains it itself.
        return;
      }
    }
  }
}
