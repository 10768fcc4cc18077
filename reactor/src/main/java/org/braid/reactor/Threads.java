package org.braid.reactor;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.internal.RejectableCall;

/**
 * Helpers for threads other than the reactor thread (Twisted's {@code twisted.internet.threads}).
 * To leave the reactor thread use {@link Reactor#deferToThread}; to come back, {@link
 * Reactor#callFromThread}, or {@link #blockingCallFromThread} when a plain thread must wait for a
 * result.
 */
public final class Threads {
  private Threads() {}

  /**
   * Runs {@code callable} on the reactor thread and blocks the calling thread until the Deferred
   * it returns fires; returns its value or throws its exception, the original object (with a
   * suppressed exception showing where this method was called).
   *
   * <pre>{@code
   * // on a thread of your own, e.g. a JDBC worker or main before handing over:
   * String value = Threads.blockingCallFromThread(reactor, () -> client.get("user:42"));
   * }</pre>
   *
   * <p>The Deferred's result is consumed (it becomes {@code null}). If the reactor stops before
   * the call runs, or shuts down while the Deferred is still pending, this throws {@link
   * ReactorNotRunningException} instead of hanging (Twisted's issue #10124).
   *
   * <p>Any thread but the reactor thread.
   *
   * @param reactor the reactor that owns what the callable touches
   * @param callable runs on the reactor thread; returns a Deferred of the result
   * @param <T> the result type
   * @return the Deferred's value
   * @throws BlockingOperationException at once when called on the reactor thread, where it would
   *     deadlock
   * @throws InterruptedException when the calling thread is interrupted while waiting (the call
   *     itself goes on)
   * @throws Exception whatever the callable threw or its Deferred failed with
   */
  public static <T> T blockingCallFromThread(
      Reactor reactor, Callable<? extends Deferred<? extends T>> callable) throws Exception {
    Objects.requireNonNull(reactor, "reactor");
    Objects.requireNonNull(callable, "callable");
    if (reactor.isInReactorThread()) {
      throw new BlockingOperationException(
          "blockingCallFromThread called on the reactor thread '"
              + Thread.currentThread().getName()
              + "': it would block the only thread that can fire the Deferred, a deadlock."
              + " Add a callback to the Deferred instead (or await it in inline code)");
    }
    BlockingCall<T> call = new BlockingCall<>(reactor, callable);
    reactor.callFromThread(call);
    return call.await();
  }

  /** The reactor-side half of {@link #blockingCallFromThread}, and the latch the caller waits on. */
  private static final class BlockingCall<T> implements RejectableCall {
    private final Reactor reactor;
    private final Callable<? extends Deferred<? extends T>> callable;
    private final CountDownLatch done = new CountDownLatch(1);

    /** {@code null} until finished; then a {@link Failure} or a {@link Value}. First one wins. */
    private final AtomicReference<Object> outcome = new AtomicReference<>();

    /** Reactor thread only: the trigger that releases the caller if shutdown comes first. */
    private TriggerId shutdownTrigger;

    private record Value(Object value) {}

    BlockingCall(Reactor reactor, Callable<? extends Deferred<? extends T>> callable) {
      this.reactor = reactor;
      this.callable = callable;
    }

    @Override
    public void run() {
      Deferred<? extends T> deferred = Deferred.maybeDeferredDeferring(callable);
      deferred.addBoth(
          (value, failure) -> {
            finish(failure != null ? failure : new Value(value));
            TriggerId trigger = shutdownTrigger;
            shutdownTrigger = null;
            if (trigger != null) {
              removeQuietly(trigger);
            }
            return null;
          });
      if (outcome.get() == null) {
        shutdownTrigger =
            reactor.addSystemEventTrigger(
                TriggerPhase.AFTER,
                "shutdown",
                () ->
                    finish(
                        new Failure(
                            new ReactorNotRunningException(
                                "the reactor shut down while blockingCallFromThread waited for "
                                    + deferred))));
      }
    }

    private void removeQuietly(TriggerId trigger) {
      try {
        reactor.removeSystemEventTrigger(trigger);
      } catch (IllegalArgumentException alreadyRan) {
        // The Deferred fired during shutdown, after the trigger ran: nothing left to remove.
      }
    }

    @Override
    public void rejected() {
      finish(
          new Failure(
              new ReactorNotRunningException(
                  "the reactor stopped before blockingCallFromThread's call could run: "
                      + callable)));
    }

    private void finish(Object result) {
      if (outcome.compareAndSet(null, result)) {
        done.countDown();
      }
    }

    @SuppressWarnings("unchecked")
    T await() throws Exception {
      done.await();
      Object result = outcome.get();
      if (result instanceof Failure failure) {
        Throwable original = failure.value();
        original.addSuppressed(
            new Exception(
                "blockingCallFromThread was waiting here, on thread '"
                    + Thread.currentThread().getName()
                    + "'"));
        throw failure.raiseException();
      }
      return (T) ((Value) result).value();
    }

    @Override
    public String toString() {
      return "blockingCallFromThread(" + callable + ")";
    }
  }
}
