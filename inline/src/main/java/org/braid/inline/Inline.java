package org.braid.inline;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.deferred.DeferredList;
import org.braid.deferred.FirstErrorException;
import org.braid.inline.internal.InlineTask;
import org.braid.reactor.LogicalThread;

/**
 * Sequential code over Deferreds: Twisted's {@code inlineCallbacks} for Java, on virtual threads.
 *
 * <pre>{@code
 * import static org.braid.inline.Inline.await;
 *
 * Deferred<String> greeting = Inline.run(() -> {
 *   String user = await(cache.get("session:" + id));
 *   try {
 *     return "Hello, " + await(cache.get("name:" + user));
 *   } catch (KeyNotFoundException e) {   // the original exception type, as callbacks trap it
 *     return "Hello, stranger";
 *   }
 * });
 * }</pre>
 *
 * <h2>One logical thread</h2>
 * The body runs on its own virtual thread, but only while the thread that resumed it waits: the
 * body and the rest of the program never run at the same time. {@link #run} returns after the
 * body first waits for an unfired Deferred (or ends); when that Deferred fires, the body continues
 * <em>inside</em> the {@code callback(...)} that fired it, up to its next wait or its end, and only
 * then does {@code callback(...)} return. The body's Deferred fires at its end, inside that same
 * call. So inline code may call every API callback code may call, and tests on a manual clock
 * stay deterministic. The ordering rules are in the module's {@code INLINE.md}.
 *
 * <h2>Awaiting</h2>
 * {@link #await} returns the value or throws the original exception, with the await site added as
 * a suppressed exception. Awaiting a Deferred that has already fired continues at once, with no
 * thread switch. As in Twisted, the awaited Deferred's result is consumed: callbacks added to it
 * afterwards see {@code null}.
 *
 * <h2>Cancelling</h2>
 * Cancelling the Deferred that {@link #run} returned cancels the Deferred the body currently
 * awaits; the {@link org.braid.deferred.CancelledException} (or whatever that cancellation
 * produces) is thrown at the {@code await}, where the body may catch it and clean up. The returned
 * Deferred fires only when the body ends, with the body's outcome.
 *
 * <p>Threads: {@link #run} on the owning logical thread (the reactor thread, a test thread, or
 * another body); {@link #await} and the other {@code await...} methods inside a body only.
 */
public final class Inline {
  private Inline() {}

  /**
   * Runs {@code body} as inline code and returns the Deferred of its result.
   *
   * @param body the sequential code; it may {@link #await}
   * @param <T> the result type
   * @return a Deferred that fires with what the body returns, or fails with what it throws
   */
  public static <T> Deferred<T> run(Callable<? extends T> body) {
    return InlineTask.start(body);
  }

  /**
   * Waits for {@code deferred} and returns its value, or throws the exception it failed with.
   *
   * @param deferred what to wait for
   * @param <T> its result type
   * @return its value
   * @throws Exception the original exception (checked or not) it failed with, e.g. {@link
   *     org.braid.deferred.CancelledException} after a cancellation
   * @throws IllegalStateException when called outside an inline body
   */
  public static <T> T await(Deferred<? extends T> deferred) throws Exception {
    return currentTask().await(deferred);
  }

  /**
   * Waits for all of {@code deferreds} and returns their values in input order; throws the first
   * failure's original exception (the other failures are consumed, so none is reported as
   * unhandled).
   *
   * @param deferreds what to wait for
   * @param <T> their result type
   * @return the values, in input order
   * @throws Exception the first failure's original exception
   */
  public static <T> List<T> awaitAll(List<? extends Deferred<? extends T>> deferreds)
      throws Exception {
    InlineTask<?> task = currentTask();
    try {
      return task.await(Deferred.gatherResults(deferreds, true));
    } catch (FirstErrorException e) {
      throw e.subFailure().raiseException();
    }
  }

  /**
   * Waits for the first of {@code deferreds} to succeed and returns it with its index; the others
   * are cancelled (Go's {@code select}, with {@link org.braid.deferred.DeferredQueue#get()} as the
   * channel receive: a cancelled {@code get} takes nothing from its queue).
   *
   * @param deferreds what to wait for; at least one
   * @param <T> their result type
   * @return the winner
   * @throws Exception a {@link org.braid.deferred.FailureGroupException} when all fail
   */
  public static <T> DeferredList.Winner<T> awaitFirst(List<? extends Deferred<? extends T>> deferreds)
      throws Exception {
    return currentTask().await(Deferred.race(deferreds));
  }

  /**
   * Tells whether the calling thread runs an inline body, i.e. whether {@link #await} may be
   * called. Any thread.
   *
   * @return true inside a body
   */
  public static boolean inBody() {
    return InlineTask.current() != null;
  }

  /**
   * How many inline bodies have started and not yet ended, in this JVM: for diagnostics and for
   * tests that check nothing is left suspended. Any thread.
   *
   * @return the count
   */
  public static int liveBodies() {
    return InlineTask.liveBodies();
  }

  private static InlineTask<?> currentTask() {
    InlineTask<?> task = InlineTask.current();
    if (task == null) {
      throw new IllegalStateException(notInBodyMessage());
    }
    return task;
  }

  private static String notInBodyMessage() {
    String thread = Thread.currentThread().getName();
    if (LogicalThread.reactor() != null) {
      return "await() called on the reactor thread ("
          + thread
          + ") outside an inline body: it would block the very thread that must fire the"
          + " Deferred, a deadlock. Run the code as inline code with Inline.run(() -> ...), or"
          + " chain a callback with addCallback";
    }
    return "await() called outside an inline body, on thread "
        + thread
        + ": only code started by Inline.run(() -> ...) may await. From a plain thread, wait for"
        + " a reactor's Deferred with Threads.blockingCallFromThread(reactor, () -> ...) instead";
  }
}
