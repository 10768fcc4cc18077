package org.braid.inline.internal;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.braid.deferred.BothCallback;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.LogicalThread;

/**
 * One inline body: its virtual thread, the Deferred it reports to, and the baton that makes it
 * and its resumers one logical thread.
 *
 * <h2>The baton</h2>
 * Exactly one side runs at a time. A resumer (the thread that starts the body, or the thread
 * that fires a Deferred the body awaits) sets {@link #bodyTurn}, wakes the body and parks until
 * the body clears it; the body clears it when it awaits an unfired Deferred or ends, wakes the
 * resumer, and parks (or ends). All hand-offs go through the volatile {@link #bodyTurn}, so every
 * write one side made before handing over is visible to the other side after taking over.
 *
 * <h2>Ordering (Twisted's inlineCallbacks)</h2>
 * The body runs synchronously inside {@link #start()} up to its first await of an unfired
 * Deferred; it resumes synchronously inside the {@code callback()} that fires the awaited
 * Deferred, up to its next such await or its end; and when it ends, the resumer fires the result
 * Deferred before its own {@code callback()} returns. Awaiting a fired Deferred continues without
 * any hand-off.
 *
 * <p>Confined to the logical thread, except the baton fields, which are handed over as described.
 *
 * @param <T> the body's result type
 */
public final class InlineTask<T> implements Runnable {
  private static final ThreadLocal<InlineTask<?>> CURRENT = new ThreadLocal<>();
  private static final AtomicInteger LIVE = new AtomicInteger();

  private final Callable<? extends T> body;
  private final CarrierScheduler scheduler;
  private final Thread thread;

  /** The Deferred to fire when the body ends; replaced when the caller cancels (see cancel). */
  private Deferred<T> result;

  /** The unfired Deferred the body waits on; {@code null} while the body runs. */
  private Deferred<?> awaiting;

  /** Whose turn it is: the body's ({@code true}) or its resumer's. The baton. */
  private volatile boolean bodyTurn;

  /** The thread parked until the body hands the baton back. */
  private Thread resumer;

  /** The resumer's logical thread, which the body acts for while it runs. */
  private LogicalThread.Context context;

  /** True while the body is parked in an await (so a delivery must resume it). */
  private boolean suspended;

  // The outcome of the current await, written by whoever delivers it.
  private boolean delivered;
  private Object awaitedValue;
  private Failure awaitedFailure;

  // The body's outcome.
  private boolean finished;
  private T value;
  private Throwable error;

  /** Added to every awaited Deferred; one instance per task, so awaits allocate no callback. */
  private final BothCallback<Object, Object> deliver = this::deliver;

  private InlineTask(Callable<? extends T> body, InlineTask<?> parent) {
    this.body = body;
    this.scheduler = parent != null ? parent.scheduler : BodyThreads.schedulerOfCurrentThread();
    this.thread = BodyThreads.newBodyThread(this, parent);
  }

  /**
   * Starts a body on the calling logical thread: it runs until it first waits or ends.
   *
   * @param body the inline code
   * @param <T> its result type
   * @return the Deferred of its result, already fired if it ended without waiting
   */
  public static <T> Deferred<T> start(Callable<? extends T> body) {
    Objects.requireNonNull(body, "body");
    InlineTask<T> task = new InlineTask<>(body, CURRENT.get());
    task.result = new Deferred<T>(task::cancel).describedAs("inline body");
    Deferred<T> result = task.result;
    LIVE.incrementAndGet();
    task.handToBody(true);
    return result;
  }

  /**
   * The task whose body runs on the current thread, or {@code null} outside inline bodies.
   *
   * @return the current task
   */
  public static InlineTask<?> current() {
    return CURRENT.get();
  }

  /**
   * How many bodies have started and not ended: for tests and diagnostics. Any thread.
   *
   * @return the count
   */
  public static int liveBodies() {
    return LIVE.get();
  }

  /**
   * Whether the carrier scheduling mode is in use. Any thread.
   *
   * @return true in carrier mode, false with the default scheduler
   */
  public static boolean carrierMode() {
    return BodyThreads.carrierMode();
  }

  /** The scheduler of the body running on the current thread, or null if this is no body. */
  static CarrierScheduler schedulerOfCurrentBody() {
    InlineTask<?> task = CURRENT.get();
    return task == null ? null : task.scheduler;
  }

  CarrierScheduler scheduler() {
    return scheduler;
  }

  // --- the body's side ---------------------------------------------------------------------------

  /** The body thread's entry point. */
  @Override
  public void run() {
    CURRENT.set(this);
    LogicalThread.restore(context);
    try {
      value = body.call();
    } catch (Throwable t) {
      error = t;
    }
    finished = true;
    // CURRENT stays set: the hand-off below may submit the resumer's continuation to the
    // scheduler from this thread, which must still count as a body. The thread ends right after.
    // Hand the baton back for the last time; the thread then ends.
    Thread waiting = resumer;
    bodyTurn = false;
    LockSupport.unpark(waiting);
  }

  /**
   * Waits for {@code deferred} inside the body: returns its value or throws its exception. Body
   * thread only.
   *
   * @param deferred what to wait for
   * @param <R> its result type
   * @return its value
   * @throws Exception the original exception it failed with, with the await site suppressed
   */
  @SuppressWarnings("unchecked")
  public <R> R await(Deferred<? extends R> deferred) throws Exception {
    Objects.requireNonNull(deferred, "deferred");
    deferred.addBoth(deliver);
    if (!delivered) {
      // Not fired (or paused): give the baton back and wait to be resumed by deliver().
      awaiting = deferred;
      suspended = true;
      Thread waiting = resumer;
      bodyTurn = false;
      LockSupport.unpark(waiting);
      while (!bodyTurn) {
        LockSupport.park(this);
      }
      LogicalThread.restore(context);
      awaiting = null;
    }
    delivered = false;
    Object v = awaitedValue;
    Failure f = awaitedFailure;
    awaitedValue = null;
    awaitedFailure = null;
    if (f != null) {
      Throwable original = f.value();
      original.addSuppressed(new AwaitSite(deferred));
      throw f.raiseException();
    }
    return (R) v;
  }

  /** Runs as the awaited Deferred's callback, on whichever thread fires it. */
  private Object deliver(Object v, Failure f) {
    awaitedValue = v;
    awaitedFailure = f;
    delivered = true;
    if (suspended) {
      // Fired later, by another thread of the logical thread: resume the body right here.
      suspended = false;
      handToBody(false);
    }
    // else: fired synchronously inside addBoth, on the body thread itself; await() goes on.
    // Like inlineCallbacks, the awaited result is consumed: later callbacks see null.
    return null;
  }

  // --- the resumer's side --------------------------------------------------------------------------

  /** Gives the baton to the body, waits until it comes back, and reports the end if it ended. */
  private void handToBody(boolean first) {
    resumer = Thread.currentThread();
    context = LogicalThread.capture();
    bodyTurn = true;
    if (first) {
      thread.start();
    } else {
      LockSupport.unpark(thread);
    }
    while (bodyTurn) {
      LockSupport.park(this);
    }
    if (finished) {
      finish();
    }
  }

  @SuppressWarnings("unchecked")
  private void finish() {
    LIVE.decrementAndGet();
    Deferred<T> out = result;
    result = null;
    if (error != null) {
      out.errback(error);
    } else if (value instanceof Deferred<?> returned) {
      // A body that returns a Deferred gets it awaited for it, rather than a Deferred of a Deferred.
      out.callbackDeferring((Deferred<? extends T>) returned);
    } else {
      out.callback(value);
    }
  }

  /**
   * The caller cancelled the body's Deferred: cancel what the body awaits, and let the body
   * decide the outcome (Twisted's inlineCallbacks, 2.5). The cancelled Deferred now waits on a
   * fresh one that the body's end fires, so it does not fail with CancelledException on its own.
   */
  private void cancel(Deferred<T> cancelled) {
    Deferred<T> next = new Deferred<T>(this::cancel).describedAs("inline body");
    result = next;
    cancelled.callbackDeferring(next);
    Deferred<?> waitingOn = awaiting;
    if (waitingOn != null) {
      waitingOn.cancel();
    }
    // Cancelled while running (from inside the body): nothing to cancel now; the body's end
    // fires the Deferred, as in Twisted.
  }
}
