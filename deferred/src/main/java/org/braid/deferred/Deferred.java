package org.braid.deferred;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A result that is not ready yet, with a chain of callbacks and errbacks: Twisted's {@code
 * Deferred}, with its semantics edge case by edge case.
 *
 * <h2>The chain</h2>
 * A Deferred holds one list of (callback, errback) pairs and, once fired, one current result.
 * Firing runs the pairs in order: each pair's callback when the current result is a value, its
 * errback when it is a {@link Failure}. Whatever the function returns becomes the new current
 * result; whatever it throws becomes a failure. So an errback that returns a value recovers, and a
 * callback that throws switches to the error side:
 *
 * <pre>{@code
 * Deferred<Integer> length = client.get("user:42")      // Deferred<String>
 *     .addCallback(String::length)                        // now typed Deferred<Integer>
 *     .addErrback(f -> { f.trap(NotFoundException.class); return 0; });
 * }</pre>
 *
 * The chain is one object, as in Twisted: {@code addCallback} returns {@code this}, retyped to the
 * callback's result type. Keep using the returned reference; the old one has the old, now wrong,
 * type parameter.
 *
 * <h2>Synchronous, in order, on one thread</h2>
 * Callbacks are never scheduled anywhere. {@link #callback} runs the chain before it returns;
 * adding a callback to a Deferred that has already fired runs it before {@code addCallback}
 * returns. A Deferred is not thread-safe: it belongs to one logical thread (see the package
 * documentation), like everything in this module.
 *
 * <h2>Chaining</h2>
 * A callback or errback that returns another Deferred (declare it with {@link
 * #addCallbackDeferring}, {@link #addErrbackDeferring} or {@link #addBothDeferring} so the types
 * say so) pauses this chain until that Deferred fires, then continues with its result; the inner
 * Deferred's result becomes {@code null}, as in Twisted. A plain {@code addCallback} whose function
 * returns a Deferred is chained the same way at run time, but its declared result type would then
 * be {@code Deferred<Deferred<X>>}, and the next typed callback fails with a {@code
 * ClassCastException}: use the {@code ...Deferring} variants. Propagation runs in a loop with an
 * explicit stack, never by recursion: 100,000 callbacks, or 100,000 Deferreds each returning the
 * next, do not grow the Java stack.
 *
 * <h2>What a callback throws</h2>
 * Everything a callback throws becomes the chain's {@link Failure}, {@link Error}s included (as in
 * Twisted, which catches everything): a {@code StackOverflowError} or {@code AssertionError} in a
 * callback fails the Deferred rather than escaping into whichever producer happened to fire it. It
 * is then handled, or reported as unhandled, like any failure.
 *
 * <h2>Errors are never lost</h2>
 * A Deferred that is garbage-collected while its chain ended on a failure nobody handled logs
 * "Unhandled error in Deferred" once (logger {@code org.braid.deferred.Deferred}); in debug mode
 * ({@link #setDebugging}) with the sites where it was created and first fired.
 *
 * <h2>Why this file is large</h2>
 * The chain-running loop, chaining, pausing, cancellation and the callback queue share the same
 * few fields and invariants; splitting them across classes would spread one state machine over
 * several files. Everything built on top (lists, locks, queues) lives in its own file.
 *
 * @param <T> the type of the current result, as far as the fluent chain has typed it
 */
public final class Deferred<T> {
  private static final Logger LOG = LoggerFactory.getLogger(Deferred.class);

  private static volatile boolean debugging;

  /**
   * The kind of a queued entry, stored beside its function. Two slots per entry (kind, function)
   * instead of a wrapper object per entry keeps {@code addCallback} at zero allocations in the
   * common case.
   */
  private enum Kind {
    /** Success side only: a {@link Callback}. */
    CALLBACK,
    /** Error side only: an {@link Errback}. */
    ERRBACK,
    /** Both sides: a {@link BothCallback}. */
    BOTH,
    /** A {@link Pair} from {@link #addCallbacks}. */
    CALLBACKS,
    /** Twisted's continuation: hand the result to the waiting outer Deferred in the slot. */
    CONTINUE,
    /** {@link #chainDeferred}: fire the Deferred in the slot with the current result. */
    CHAIN
  }

  private record Pair(Callback<Object, Object> callback, Errback<Object> errback) {}

  /** The value of {@link #result} while the Deferred has not been fired. */
  private static final Object NOT_CALLED =
      new Object() {
        @Override
        public String toString() {
          return "NOT_CALLED";
        }
      };

  /**
   * The current result. Its values:
   *
   * <ul>
   *   <li>{@link #NOT_CALLED}: not fired yet (pending);
   *   <li>a {@link Failure}: fired, on the error side;
   *   <li>a {@code Deferred}: fired, and waiting on that inner Deferred, which a callback returned
   *       (then {@link #pauses} counts one pause for the wait);
   *   <li>anything else, {@code null} included: fired, on the success side.
   * </ul>
   *
   * A Deferred is never a success value: {@link #callback} refuses one, and one returned by a
   * callback is always chained.
   */
  private Object result = NOT_CALLED;

  /** User pauses plus one while waiting on an inner Deferred; callbacks run only at zero. */
  private int pauses;

  /** True only while one of this Deferred's own callbacks executes (re-entrancy guard). */
  private boolean running;

  /** Set by cancelling a Deferred that has no canceller: one later fire is silently ignored. */
  private boolean suppressAlreadyCalled;

  // The queue of entries, one object each: a plain callback (the common case) is stored bare, any
  // other kind as an Entry(kind, fn). The first entry lives in `head`, so a Deferred with one
  // callback allocates nothing beyond itself and the callback; later entries go to `more`, a FIFO
  // from moreHead to moreTail. Invariant: head is null only if `more` is empty too, or the head
  // entry was taken and `more` holds the rest of the queue.
  private Object head;
  private Object[] more;
  private int moreHead;
  private int moreTail;

  /** Called at most once by {@link #cancel()}; dropped when the Deferred fires. */
  private Canceller<T> canceller;

  /** The Deferred this one waits on, explicitly ({@link #chainDeferred}) or implicitly. */
  private Deferred<?> chainedTo;

  /** Set while the chain ended on a failure nobody handled yet; see {@link UnhandledFailure}. */
  private UnhandledFailure unhandled;

  /** Human-readable purpose shown by {@link #toString()}; {@code null} when not described. */
  private String description;

  /** Where this Deferred was created and first fired; only in debug mode. */
  private Throwable creationSite;

  private Throwable firstInvoker;

  /** Creates an unfired Deferred without a canceller. Owning logical thread. */
  public Deferred() {
    if (debugging) {
      creationSite = new Throwable("Deferred was created here");
    }
  }

  /**
   * Creates an unfired Deferred whose {@link #cancel()} calls {@code canceller}. Owning logical
   * thread.
   *
   * @param canceller stops the operation behind this Deferred
   */
  public Deferred(Canceller<T> canceller) {
    this();
    this.canceller = Objects.requireNonNull(canceller, "canceller");
  }

  // ---------------------------------------------------------------------------------------------
  // Factories

  /**
   * Returns a Deferred that has already fired with {@code value}. Owning logical thread.
   *
   * @param value the result, possibly {@code null}; not a Deferred
   * @param <T> the result type
   * @return a fired Deferred
   */
  public static <T> Deferred<T> succeed(T value) {
    Deferred<T> d = new Deferred<>();
    d.callback(value);
    return d;
  }

  /**
   * Returns a Deferred that has already failed with {@code error}. Owning logical thread.
   *
   * @param error the exception
   * @param <T> the result type it would have had
   * @return a failed Deferred
   */
  public static <T> Deferred<T> fail(Throwable error) {
    return fail(new Failure(error));
  }

  /**
   * Returns a Deferred that has already failed with {@code failure} (the same Failure object reaches
   * the errbacks). Owning logical thread.
   *
   * @param failure the failure
   * @param <T> the result type it would have had
   * @return a failed Deferred
   */
  public static <T> Deferred<T> fail(Failure failure) {
    Deferred<T> d = new Deferred<>();
    d.errback(failure);
    return d;
  }

  /**
   * Calls {@code function} now and wraps what happens in a Deferred: its value in a fired one, its
   * exception in a failed one. If it returns a Deferred after all, that very Deferred is returned
   * (Twisted's identity rule); if it returns a {@link Failure}, a Deferred failed with it.
   * Owning logical thread.
   *
   * @param function the work to run synchronously
   * @param <T> the result type
   * @return a Deferred of the function's outcome
   */
  @SuppressWarnings("unchecked")
  public static <T> Deferred<T> maybeDeferred(Callable<? extends T> function) {
    Object value;
    try {
      value = function.call();
    } catch (Throwable t) {
      return fail(t);
    }
    if (value instanceof Deferred<?> deferred) {
      return (Deferred<T>) deferred;
    }
    if (value instanceof Failure failure) {
      return fail(failure);
    }
    return succeed((T) value);
  }

  /**
   * {@link #maybeDeferred} for functions that return a Deferred: the same Deferred is returned, and
   * an exception becomes a failed Deferred. Owning logical thread.
   *
   * @param function the work to start synchronously
   * @param <T> the result type
   * @return the function's Deferred, or a failed one if it threw or returned {@code null}
   */
  @SuppressWarnings("unchecked")
  public static <T> Deferred<T> maybeDeferredDeferring(
      Callable<? extends Deferred<? extends T>> function) {
    Deferred<? extends T> deferred;
    try {
      deferred = function.call();
    } catch (Throwable t) {
      return fail(t);
    }
    if (deferred == null) {
      return fail(new NullPointerException("function returned null instead of a Deferred"));
    }
    return (Deferred<T>) deferred;
  }

  /**
   * Waits for all of {@code deferreds} and fires with their values in input order; fails on the
   * first failure with a {@link FirstErrorException} that names the input's index (Twisted's
   * {@code gatherResults}). An empty list fires at once with an empty list. Cancelling the
   * result cancels every input. Owning logical thread.
   *
   * @param deferreds the inputs
   * @param consumeErrors when true, failures are consumed on the inputs (their result becomes
   *     {@code null}), so a second failing input is not reported as unhandled
   * @param <T> the inputs' result type
   * @return a Deferred of the list of values
   */
  public static <T> Deferred<List<T>> gatherResults(
      List<? extends Deferred<? extends T>> deferreds, boolean consumeErrors) {
    return DeferredList.<T>fireOnOneErrback(deferreds, consumeErrors)
        .addCallback(
            outcomes -> {
              List<T> values = new ArrayList<>(outcomes.size());
              for (DeferredList.Outcome<T> outcome : outcomes) {
                values.add(outcome.value());
              }
              return values;
            });
  }

  /**
   * {@link #gatherResults(List, boolean)} without consuming errors, as Twisted's default.
   *
   * @param deferreds the inputs
   * @param <T> the inputs' result type
   * @return a Deferred of the list of values
   */
  public static <T> Deferred<List<T>> gatherResults(
      List<? extends Deferred<? extends T>> deferreds) {
    return gatherResults(deferreds, false);
  }

  /**
   * Fires with the first input to succeed, and cancels all the others at that moment (Twisted's
   * {@code race}). When every input fails, fails with a {@link FailureGroupException} holding all
   * failures in input order. Results of the losers are consumed, so they are never reported as
   * unhandled. Cancelling the returned Deferred cancels every input. Owning logical thread.
   *
   * @param deferreds the inputs; at least one
   * @param <T> the inputs' result type
   * @return a Deferred of the winner's index and value
   */
  public static <T> Deferred<DeferredList.Winner<T>> race(
      List<? extends Deferred<? extends T>> deferreds) {
    return DeferredList.race(deferreds);
  }

  // ---------------------------------------------------------------------------------------------
  // Firing

  /**
   * Fires the Deferred with a success value and runs the chain before returning. A {@link Failure}
   * passed here is treated as {@link #errback(Failure)}, as in Twisted. Owning logical thread.
   *
   * @param value the result, possibly {@code null}; never a Deferred
   * @throws AlreadyCalledException when the Deferred has already fired (except once after a
   *     cancellation without canceller, which is silently ignored)
   * @throws IllegalArgumentException when {@code value} is a Deferred: chain with {@link
   *     #chainDeferred} or return it from a callback instead
   */
  public void callback(T value) {
    if (value instanceof Deferred<?>) {
      throw new IllegalArgumentException(
          "callback() got a Deferred as a value: "
              + value
              + "; return it from a callback or use chainDeferred() to wait for it");
    }
    if (acceptFire()) {
      start(value);
    }
  }

  /**
   * Fires the Deferred with a failure and runs the chain before returning. Owning logical thread.
   *
   * @param error the exception
   * @throws AlreadyCalledException as {@link #callback}
   */
  public void errback(Throwable error) {
    errback(new Failure(error));
  }

  /**
   * Fires the Deferred with a failure and runs the chain before returning. Owning logical thread.
   *
   * @param failure the failure
   * @throws AlreadyCalledException as {@link #callback}
   */
  public void errback(Failure failure) {
    Objects.requireNonNull(failure, "failure");
    if (acceptFire()) {
      start(failure);
    }
  }

  /**
   * Fires this Deferred with the outcome of {@code inner}, once {@code inner} has one (Guava's
   * {@code setFuture}). This Deferred counts as fired at once, so a later {@code callback} throws
   * {@link AlreadyCalledException}; its chain waits exactly as if a callback had returned {@code
   * inner}, and {@link #cancel()} now cancels {@code inner}. Owning logical thread.
   *
   * <p>It is also how a canceller can let the operation decide the outcome instead of failing with
   * {@link CancelledException} at once: call it from the canceller with a Deferred that the
   * operation fires when it has wound down (the inline adapter does this, as Twisted's
   * inlineCallbacks does).
   *
   * @param inner the Deferred whose outcome this one takes; its result becomes {@code null}
   * @throws AlreadyCalledException as {@link #callback}
   * @throws IllegalArgumentException when {@code inner} is this Deferred
   */
  public void callbackDeferring(Deferred<? extends T> inner) {
    Objects.requireNonNull(inner, "inner");
    if (inner == this) {
      throw new IllegalArgumentException("a Deferred cannot wait on itself: " + this);
    }
    if (!acceptFire()) {
      return;
    }
    recordFire();
    Object taken = adopt(inner);
    if (taken != WAITING) {
      result = taken;
      runCallbacks();
    }
  }

  /**
   * Fires with a value unless the Deferred has already fired (Netty's {@code trySuccess}): for
   * producers that race, such as a reply against a timeout. Owning logical thread.
   *
   * @param value the result; never a Deferred
   * @return {@code true} if this call fired the Deferred
   */
  public boolean tryCallback(T value) {
    if (result != NOT_CALLED) {
      return false;
    }
    callback(value);
    return true;
  }

  /**
   * Fails unless the Deferred has already fired. Owning logical thread.
   *
   * @param error the exception
   * @return {@code true} if this call fired the Deferred
   */
  public boolean tryErrback(Throwable error) {
    if (result != NOT_CALLED) {
      return false;
    }
    errback(error);
    return true;
  }

  /** Decides whether a fire may proceed: throws, ignores (once after cancel), or accepts. */
  private boolean acceptFire() {
    if (result == NOT_CALLED) {
      return true;
    }
    if (suppressAlreadyCalled) {
      // Cancelled without a canceller: the original producer does not know, so its one
      // late fire is swallowed rather than blowing up in its face (Twisted's contract).
      suppressAlreadyCalled = false;
      return false;
    }
    throw alreadyCalled();
  }

  private AlreadyCalledException alreadyCalled() {
    StringBuilder message = new StringBuilder("Deferred already fired: ").append(this);
    if (creationSite != null || firstInvoker != null) {
      message.append('\n');
      if (creationSite != null) {
        message.append(" C: Deferred was created:\n").append(formatSite(creationSite));
      }
      if (firstInvoker != null) {
        message.append(" I: First Invoker was:\n").append(formatSite(firstInvoker));
      }
    } else {
      message.append(" (turn on Deferred.setDebugging(true) to see where it was created and fired)");
    }
    return new AlreadyCalledException(message.toString());
  }

  private void start(Object value) {
    recordFire();
    result = value;
    runCallbacks();
  }

  /** A fire was accepted: the canceller can no longer be needed; debug mode notes the site. */
  private void recordFire() {
    canceller = null;
    if (debugging) {
      firstInvoker = new Throwable("Deferred was first fired here");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Adding to the chain

  /**
   * Adds a callback for the success side; failures pass it by. Runs at once if the Deferred has
   * already fired. Owning logical thread.
   *
   * @param callback receives the current value, returns the next one
   * @param <R> the new result type
   * @return this Deferred, retyped
   */
  public <R> Deferred<R> addCallback(Callback<? super T, ? extends R> callback) {
    return append(Kind.CALLBACK, Objects.requireNonNull(callback, "callback"));
  }

  /**
   * Adds a callback that returns a Deferred; the chain waits for it and continues with its result.
   * Owning logical thread.
   *
   * @param callback receives the current value, returns a Deferred of the next one
   * @param <R> the new result type
   * @return this Deferred, retyped
   */
  public <R> Deferred<R> addCallbackDeferring(
      Callback<? super T, ? extends Deferred<? extends R>> callback) {
    return append(Kind.CALLBACK, Objects.requireNonNull(callback, "callback"));
  }

  /**
   * Adds an errback for the error side; values pass it by. Owning logical thread.
   *
   * @param errback receives the failure; returns a value to recover or throws to pass it on
   * @return this Deferred
   */
  public Deferred<T> addErrback(Errback<? extends T> errback) {
    return append(Kind.ERRBACK, Objects.requireNonNull(errback, "errback"));
  }

  /**
   * Adds an errback that returns a Deferred; the chain waits for it. Owning logical thread.
   *
   * @param errback receives the failure, returns a Deferred of the value to recover with
   * @return this Deferred
   */
  public Deferred<T> addErrbackDeferring(Errback<? extends Deferred<? extends T>> errback) {
    return append(Kind.ERRBACK, Objects.requireNonNull(errback, "errback"));
  }

  /**
   * Adds a function to both sides (Twisted's {@code addBoth}). Owning logical thread.
   *
   * @param both receives the value or the failure
   * @param <R> the new result type
   * @return this Deferred, retyped
   */
  public <R> Deferred<R> addBoth(BothCallback<? super T, ? extends R> both) {
    return append(Kind.BOTH, Objects.requireNonNull(both, "both"));
  }

  /**
   * Adds a function to both sides that returns a Deferred; the chain waits for it. Owning logical
   * thread.
   *
   * @param both receives the value or the failure, returns a Deferred of the next result
   * @param <R> the new result type
   * @return this Deferred, retyped
   */
  public <R> Deferred<R> addBothDeferring(
      BothCallback<? super T, ? extends Deferred<? extends R>> both) {
    return append(Kind.BOTH, Objects.requireNonNull(both, "both"));
  }

  /**
   * Adds a callback and an errback as one pair: exactly one of them runs, and neither sees what
   * the other returns. Owning logical thread.
   *
   * @param callback for the success side
   * @param errback for the error side
   * @param <R> the new result type
   * @return this Deferred, retyped
   */
  @SuppressWarnings("unchecked")
  public <R> Deferred<R> addCallbacks(
      Callback<? super T, ? extends R> callback, Errback<? extends R> errback) {
    Objects.requireNonNull(callback, "callback");
    Objects.requireNonNull(errback, "errback");
    return append(
        Kind.CALLBACKS,
        new Pair((Callback<Object, Object>) callback, (Errback<Object>) errback));
  }

  /**
   * Makes {@code other} fire with this Deferred's result when it arrives; this Deferred's own
   * result becomes {@code null} afterwards, as in Twisted. Firing {@code other} first does not
   * affect this one. Unlike Twisted, long lines of chained Deferreds do not grow the stack.
   * Owning logical thread.
   *
   * @param other the Deferred to fire
   * @return this Deferred
   */
  public Deferred<T> chainDeferred(Deferred<? super T> other) {
    Objects.requireNonNull(other, "other");
    if (other == this) {
      throw new IllegalArgumentException("a Deferred cannot be chained to itself");
    }
    other.chainedTo = this;
    return append(Kind.CHAIN, other);
  }

  /** A queued entry of another kind than {@link Kind#CALLBACK}, which is stored bare. */
  private record Entry(Kind kind, Object fn) {}

  @SuppressWarnings("unchecked")
  private <R> Deferred<R> append(Kind kind, Object fn) {
    Object current = result;
    if (kind == Kind.CALLBACK
        && current != NOT_CALLED
        && pauses == 0
        && !running
        && head == null
        && !(current instanceof Failure)) {
      // Fired, idle, nothing queued (head is null, so `more` is empty), success side: run the
      // callback now, without the queue's stores and loads. A result that is a Deferred always
      // comes with pauses > 0, so `current` is a plain value here.
      runNow((Callback<Object, Object>) fn, current);
    } else {
      enqueue(kind == Kind.CALLBACK ? fn : new Entry(kind, fn));
      if (current != NOT_CALLED) {
        runCallbacks();
      }
    }
    return (Deferred<R>) this;
  }

  /** The fast path of {@link #append}: one callback on a fired, idle Deferred. */
  private void runNow(Callback<Object, Object> callback, Object current) {
    Object next;
    running = true;
    try {
      next = callback.apply(current);
    } catch (Throwable t) {
      next = new Failure(t);
    }
    running = false;
    if (next instanceof Deferred<?> inner) {
      next = adopt(inner);
      if (next == WAITING) {
        return;
      }
    }
    result = next;
    if (head != null) {
      // The callback added to this chain while it ran: run those entries too.
      runCallbacks();
    } else if (next instanceof Failure || unhandled != null) {
      trackUnhandled();
    }
  }

  private void enqueue(Object entry) {
    if (head == null && moreHead == moreTail) {
      head = entry;
      return;
    }
    Object[] slots = more;
    if (slots == null) {
      slots = more = new Object[8];
    } else if (moreTail == slots.length) {
      if (moreHead > 0) {
        // Entries were taken from the front: slide the rest down before growing.
        System.arraycopy(slots, moreHead, slots, 0, moreTail - moreHead);
        Arrays.fill(slots, moreTail - moreHead, moreTail, null);
        moreTail -= moreHead;
        moreHead = 0;
      }
      if (moreTail == slots.length) {
        slots = more = Arrays.copyOf(slots, slots.length * 2);
      }
    }
    slots[moreTail++] = entry;
  }

  // ---------------------------------------------------------------------------------------------
  // Running the chain

  /** Returned by {@link #applyOther} when the entry belongs to the other side. */
  private static final Object SKIPPED = new Object();

  /** Returned by {@link #adopt} when the chain now waits on the inner Deferred. */
  private static final Object WAITING = new Object();

  /**
   * Runs as much of the chain as can run now: this Deferred's entries, and those of every
   * Deferred its result flows into. An explicit stack replaces recursion, so depth does not grow
   * with the number of chained Deferreds (Twisted's {@code _runCallbacks}).
   */
  private void runCallbacks() {
    if (running) {
      // A callback of this Deferred added to its chain; the loop below it picks the entry up.
      return;
    }
    // The Deferreds to come back to, innermost last: the first in a local, deeper ones in an
    // array allocated only when a chain hands over more than one level at once.
    Deferred<?> bottom = null;
    Deferred<?>[] stack = null;
    int depth = 0;
    Deferred<?> current = this;
    while (true) {
      if (current.pauses > 0) {
        // Paused, or waiting on a Deferred with no result: nothing above it can move either.
        return;
      }
      Deferred<?> next = current.runEntries();
      if (next != null) {
        // The current result flows into `next`; process it, then come back to `current`.
        if (depth == 0) {
          bottom = current;
        } else {
          if (stack == null) {
            stack = new Deferred<?>[8];
          } else if (depth - 1 == stack.length) {
            stack = Arrays.copyOf(stack, stack.length * 2);
          }
          stack[depth - 1] = current;
        }
        depth++;
        current = next;
        continue;
      }
      current.trackUnhandled();
      if (depth == 0) {
        return;
      }
      depth--;
      if (depth == 0) {
        current = bottom;
        bottom = null;
      } else {
        current = stack[depth - 1];
        stack[depth - 1] = null;
      }
    }
  }

  /**
   * Runs this Deferred's entries until they are exhausted, it starts waiting on another Deferred,
   * or its result must flow into another Deferred first.
   *
   * <p>Why it is split: HotSpot's C2 inlines a hot method only up to 325 bytecode bytes
   * (FreqInlineSize), and this loop is on every callback's path. It keeps the common entry (a
   * plain callback on the success side) here and sends the other kinds to {@link #applyOther},
   * {@link #handOver} and {@link #adopt}, so that it inlines into {@code callback()} and {@code
   * addCallback()} (measured in bench/: 0.7x to 0.56x CompletableFuture's time).
   *
   * @return the Deferred the result was handed to (to be processed before this one continues), or
   *     {@code null} when this Deferred is done for now
   */
  @SuppressWarnings("unchecked")
  private Deferred<?> runEntries() {
    if (chainedTo != null) {
      chainedTo = null;
    }
    while (true) {
      Object entry = head;
      if (entry != null) {
        head = null;
      } else {
        int h = moreHead;
        if (h == moreTail) {
          return null;
        }
        Object[] slots = more;
        entry = slots[h];
        slots[h] = null;
        if (++h == moreTail) {
          moreHead = moreTail = 0;
        } else {
          moreHead = h;
        }
      }
      Object current = result;
      Object next;
      if (!(entry instanceof Entry other)) {
        if (current instanceof Failure) {
          continue;
        }
        running = true;
        try {
          next = ((Callback<Object, Object>) entry).apply(current);
        } catch (Throwable t) {
          next = new Failure(t);
        }
        running = false;
      } else if (other.kind() == Kind.CONTINUE || other.kind() == Kind.CHAIN) {
        Deferred<?> target = handOver(other, current);
        if (target != null) {
          return target;
        }
        continue;
      } else {
        next = applyOther(other, current);
        if (next == SKIPPED) {
          continue;
        }
      }
      if (next instanceof Deferred<?> inner) {
        next = adopt(inner);
        if (next == WAITING) {
          return null;
        }
      }
      result = next;
    }
  }

  /** Runs an ERRBACK, BOTH or CALLBACKS entry; {@link #SKIPPED} when it is for the other side. */
  @SuppressWarnings("unchecked")
  private Object applyOther(Entry entry, Object current) {
    boolean failed = current instanceof Failure;
    Object fn = entry.fn();
    running = true;
    try {
      return switch (entry.kind()) {
        case ERRBACK -> failed ? ((Errback<Object>) fn).apply((Failure) current) : SKIPPED;
        case BOTH ->
            failed
                ? ((BothCallback<Object, Object>) fn).apply(null, (Failure) current)
                : ((BothCallback<Object, Object>) fn).apply(current, null);
        case CALLBACKS -> {
          Pair pair = (Pair) fn;
          yield failed ? pair.errback().apply((Failure) current) : pair.callback().apply(current);
        }
        default -> throw new AssertionError(entry.kind());
      };
    } catch (Throwable t) {
      return new Failure(t);
    } finally {
      running = false;
    }
  }

  /**
   * CONTINUE and CHAIN entries: the current result flows into another Deferred.
   *
   * @return the Deferred to process next, or {@code null} to go on with this one
   */
  private Deferred<?> handOver(Entry entry, Object current) {
    Deferred<?> target = (Deferred<?>) entry.fn();
    if (entry.kind() == Kind.CONTINUE) {
      target.result = current;
      target.pauses--;
      result = null;
      dismissUnhandled();
      return target;
    }
    try {
      if (!target.acceptFire()) {
        result = null; // the one fire swallowed after a cancel without canceller
        return null;
      }
    } catch (AlreadyCalledException e) {
      result = new Failure(e);
      return null;
    }
    target.recordFire();
    target.result = current;
    result = null;
    // A running or paused target runs its entries itself (its own loop, or its unpause).
    return target.running || target.pauses > 0 ? null : target;
  }

  /**
   * Makes {@code inner}'s outcome this Deferred's result (Twisted's implicit chaining, 1.6): takes
   * it at once when {@code inner} has a result it can give, else starts waiting for it.
   *
   * @return the result taken from {@code inner}, or {@link #WAITING} when this Deferred now waits
   *     on it
   */
  private Object adopt(Deferred<?> inner) {
    if (inner == this) {
      return new Failure(
          new IllegalStateException(
              "a callback returned the Deferred it is attached to, which would wait on itself"
                  + " forever: "
                  + this));
    }
    Object innerResult = inner.result;
    if (innerResult == NOT_CALLED || innerResult instanceof Deferred || inner.pauses > 0) {
      pauses++;
      result = inner;
      chainedTo = inner;
      // The continuation goes straight onto its queue without running its chain: it is unfired
      // or blocked, so there is nothing it could run.
      inner.enqueue(new Entry(Kind.CONTINUE, this));
      return WAITING;
    }
    // Ready: take its result, which it no longer has (so its failure is not reported).
    inner.result = null;
    inner.dismissUnhandled();
    return innerResult;
  }

  /** Records or clears the unhandled-failure marker when a run of the chain ends. */
  private void trackUnhandled() {
    if (result instanceof Failure failure) {
      if (unhandled == null) {
        unhandled = UnhandledFailure.track(this, failure, description, creationSite, firstInvoker);
      } else {
        unhandled.update(failure);
      }
    } else {
      dismissUnhandled();
    }
  }

  private void dismissUnhandled() {
    if (unhandled != null) {
      unhandled.dismiss();
      unhandled = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pause, cancel, timeout

  /**
   * Stops the chain from running until {@link #unpause()} is called as many times. A paused
   * Deferred still accepts its result and queues added callbacks. Owning logical thread.
   */
  public void pause() {
    pauses++;
  }

  /**
   * Undoes one {@link #pause()}; when none remain and the Deferred has fired, runs the chain before
   * returning. Owning logical thread.
   *
   * @throws IllegalStateException when there is no matching {@code pause()} (Twisted would block
   *     the Deferred forever instead)
   */
  public void unpause() {
    int userPauses = pauses - (result instanceof Deferred ? 1 : 0);
    if (userPauses <= 0) {
      throw new IllegalStateException("unpause() without a matching pause(): " + this);
    }
    pauses--;
    if (pauses == 0 && result != NOT_CALLED) {
      runCallbacks();
    }
  }

  /**
   * Cancels the operation behind this Deferred. Owning logical thread.
   *
   * <ul>
   *   <li>Not fired yet: calls the canceller, if any; if the Deferred is still unfired after it,
   *       fails it with {@link CancelledException}. Without a canceller, the one later {@code
   *       callback}/{@code errback} of the unaware producer is then silently ignored.
   *   <li>Waiting on a Deferred a callback returned: cancels that one instead.
   *   <li>Fired: does nothing.
   * </ul>
   *
   * A canceller that throws is logged and the Deferred fails with {@link CancelledException}
   * caused by that exception, so it never stays unfired. Never throws.
   */
  public void cancel() {
    // A Deferred waiting on another forwards the cancellation to it. Walk down the line of
    // waiting Deferreds in a loop, not by recursion, so that a long line of Deferreds each
    // waiting on the next cannot overflow the stack (the chain itself runs in a loop too).
    Deferred<?> target = this;
    while (target.result instanceof Deferred<?> inner) {
      target = inner;
    }
    target.cancelIfUnfired();
  }

  /** The non-forwarding part of {@link #cancel()}: does nothing once fired. */
  private void cancelIfUnfired() {
    if (result == NOT_CALLED) {
      Canceller<T> c = canceller;
      Throwable cancellerError = null;
      if (c == null) {
        suppressAlreadyCalled = true;
      } else {
        canceller = null;
        try {
          c.cancel(this);
        } catch (Throwable t) {
          cancellerError = t;
          LOG.warn("canceller of {} threw; failing it with CancelledException anyway", this, t);
        }
      }
      if (result == NOT_CALLED) {
        errback(
            cancellerError == null
                ? new CancelledException()
                : new CancelledException("Deferred was cancelled; its canceller threw", cancellerError));
      }
    }
  }

  /**
   * Fails this Deferred with a {@link TimeoutException} unless it fires within {@code timeout} on
   * {@code scheduler}'s clock (Twisted's {@code addTimeout}). On expiry the Deferred is {@link
   * #cancel() cancelled}, and a resulting {@link CancelledException} becomes a {@code
   * TimeoutException} whose cause is the cancellation. The timeout covers the callbacks added
   * before this call, not those added after: when the chain reaches this point the timer is
   * cancelled. Owning logical thread.
   *
   * @param timeout how long to wait
   * @param scheduler whose clock to use: the reactor, or a manual clock in tests
   * @return this Deferred
   */
  public Deferred<T> addTimeout(Duration timeout, Scheduler scheduler) {
    return addTimeout(timeout, scheduler, null);
  }

  /**
   * {@link #addTimeout(Duration, Scheduler)} with a custom translation: when the timer fired,
   * {@code onTimeoutCancel} receives whatever result the cancellation produced and the timeout,
   * and its return value (or exception) replaces the result. Owning logical thread.
   *
   * @param timeout how long to wait
   * @param scheduler whose clock to use
   * @param onTimeoutCancel translates the result after a timeout; {@code null} for the default
   * @return this Deferred
   */
  public Deferred<T> addTimeout(
      Duration timeout, Scheduler scheduler, OnTimeout<T> onTimeoutCancel) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(scheduler, "scheduler");
    TimeoutGuard<T> guard = new TimeoutGuard<>(this, timeout, onTimeoutCancel);
    guard.call = scheduler.callLater(timeout, guard);
    return append(Kind.BOTH, guard);
  }

  /**
   * Translates the result of a Deferred whose timeout fired (see {@link #addTimeout(Duration,
   * Scheduler, OnTimeout)}). Called on the owning logical thread.
   *
   * @param <T> the Deferred's result type
   */
  @FunctionalInterface
  public interface OnTimeout<T> {
    /**
     * Produces the result after a timeout.
     *
     * @param value the value the cancellation produced, or {@code null} with a failure
     * @param failure the failure the cancellation produced, or {@code null} with a value
     * @param timeout the timeout that expired
     * @return the new result
     * @throws Exception to fail the Deferred
     */
    T onTimeout(T value, Failure failure, Duration timeout) throws Exception;
  }

  /** The timer and the chain entry of one {@link #addTimeout} call, in one object. */
  private static final class TimeoutGuard<T> implements Runnable, BothCallback<T, Object> {
    private final Deferred<T> deferred;
    private final Duration timeout;
    private final OnTimeout<T> onTimeoutCancel;
    private Scheduler.ScheduledCall call;
    private boolean timedOut;

    TimeoutGuard(Deferred<T> deferred, Duration timeout, OnTimeout<T> onTimeoutCancel) {
      this.deferred = deferred;
      this.timeout = timeout;
      this.onTimeoutCancel = onTimeoutCancel;
    }

    /** The timer fired. */
    @Override
    public void run() {
      timedOut = true;
      deferred.cancel();
    }

    /** The chain reached the timeout's place. */
    @Override
    public Object apply(T value, Failure failure) throws Exception {
      if (call != null && call.isActive()) {
        call.cancel();
      }
      if (!timedOut) {
        return failure != null ? failure : value;
      }
      if (onTimeoutCancel != null) {
        return onTimeoutCancel.onTimeout(value, failure, timeout);
      }
      if (failure != null && failure.check(CancelledException.class) != null) {
        TimeoutException e = new TimeoutException("Deferred timed out after " + timeout);
        e.initCause(failure.value());
        throw e;
      }
      return failure != null ? failure : value;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State and description

  /**
   * Tells whether {@code callback} or {@code errback} has been called (cancelling counts, since it
   * fails the Deferred). Owning logical thread.
   *
   * @return {@code true} once fired
   */
  public boolean isCalled() {
    return result != NOT_CALLED;
  }

  /**
   * Tells whether the chain is blocked by {@link #pause()} calls or by waiting on another
   * Deferred. Owning logical thread.
   *
   * @return {@code true} while callbacks cannot run
   */
  public boolean isPaused() {
    return pauses > 0;
  }

  /**
   * Labels this Deferred for {@link #toString()} and unhandled-error logs, e.g. {@code get
   * "user:42" on 127.0.0.1:11211}. Owning logical thread.
   *
   * @param purpose what this Deferred waits for; never a user value in full
   * @return this Deferred
   */
  public Deferred<T> describedAs(String purpose) {
    this.description = purpose;
    if (unhandled != null) {
      // The chain already ended on an unhandled failure: its report must carry the label too.
      unhandled.describe(purpose);
    }
    return this;
  }

  /**
   * Shows the state and, when described, the purpose: {@code Deferred@1b6d3586[pending: get "k"]},
   * {@code Deferred@..[fired: String]}, {@code Deferred@..[failed: TimeoutException]}, {@code
   * Deferred@..[waiting on Deferred@4554617c]}. Values are shown by type only.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Deferred@").append(Integer.toHexString(hashCode()));
    s.append('[');
    Object r = result;
    if (r == NOT_CALLED) {
      s.append(chainedTo != null ? "waiting on " + identity(chainedTo) : "pending");
    } else if (r instanceof Deferred<?> inner) {
      s.append("waiting on ").append(identity(inner));
    } else if (r instanceof Failure failure) {
      s.append("failed: ").append(failure.type().getSimpleName());
    } else {
      s.append("fired: ").append(r == null ? "null" : r.getClass().getSimpleName());
    }
    if (pauses > (r instanceof Deferred ? 1 : 0)) {
      s.append(", paused");
    }
    if (description != null) {
      s.append(": ").append(description);
    }
    return s.append(']').toString();
  }

  private static String identity(Object o) {
    return o.getClass().getSimpleName() + "@" + Integer.toHexString(o.hashCode());
  }

  // ---------------------------------------------------------------------------------------------
  // Debugging

  /**
   * Turns debug mode on or off for Deferreds created or fired from now on: they record where they
   * were created and first fired, and show both in {@link AlreadyCalledException} messages and
   * unhandled-error logs. It costs a stack capture per Deferred. Any thread.
   *
   * @param on whether to record
   */
  public static void setDebugging(boolean on) {
    debugging = on;
  }

  /**
   * Tells whether debug mode is on. Any thread.
   *
   * @return the flag set by {@link #setDebugging}
   */
  public static boolean getDebugging() {
    return debugging;
  }

  /**
   * Formats a recorded site as indented stack frames, skipping the frames of this class and its
   * nested classes only: DeferredList, DeferredQueue and other classes whose names merely start
   * with "Deferred" are part of the story of where a Deferred came from.
   */
  static String formatSite(Throwable site) {
    StringWriter out = new StringWriter();
    PrintWriter writer = new PrintWriter(out);
    String self = Deferred.class.getName();
    for (StackTraceElement frame : site.getStackTrace()) {
      String className = frame.getClassName();
      if (className.equals(self) || className.startsWith(self + "$")) {
        continue;
      }
      writer.append("    at ").append(frame.toString()).append('\n');
    }
    writer.flush();
    return out.toString();
  }
}
