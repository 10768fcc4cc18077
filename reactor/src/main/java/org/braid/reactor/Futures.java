package org.braid.reactor;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;

/**
 * Bridges between Deferreds and {@link CompletionStage}s, for libraries that speak {@code
 * CompletableFuture} (HTTP clients, JDBC drivers on their own pools). Like Twisted's {@code
 * Deferred.fromFuture} and {@code asFuture}, the Deferred side always fires on the reactor thread.
 */
public final class Futures {
  private Futures() {}

  /**
   * A Deferred that fires, on the reactor thread and never synchronously, with the stage's value
   * or its exception ({@link CompletionException} and {@link ExecutionException} wrappers removed;
   * a cancelled stage gives {@link CancelledException} with the {@link CancellationException} as
   * cause).
   *
   * <p>Cancelling the Deferred fails it at once with {@link CancelledException} and, when the stage
   * is a {@link Future} (a {@code CompletableFuture} is), cancels it; a later result of the stage
   * is dropped. Reactor thread.
   *
   * @param reactor the reactor whose thread fires the Deferred
   * @param stage completes on any thread
   * @param <T> the result type
   * @return a Deferred of the stage's result
   */
  public static <T> Deferred<T> fromCompletionStage(
      Reactor reactor, CompletionStage<? extends T> stage) {
    Objects.requireNonNull(reactor, "reactor");
    Objects.requireNonNull(stage, "stage");
    Deferred<T> deferred =
        new Deferred<>(
            cancelled -> {
              if (stage instanceof Future<?> future) {
                future.cancel(false);
              }
            });
    stage.whenComplete(
        (value, error) -> {
          Throwable cause = unwrap(error);
          reactor.callFromThread(
              new Runnable() {
                @Override
                public void run() {
                  // try*: the Deferred may have been cancelled (and so fired) meanwhile.
                  if (cause != null) {
                    deferred.tryErrback(cause);
                  } else {
                    deferred.tryCallback(value);
                  }
                }

                @Override
                public String toString() {
                  return "result of " + stage + " for " + deferred;
                }
              });
        });
    return deferred;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof CancellationException cancellation) {
      return new CancelledException("the CompletionStage was cancelled", cancellation);
    }
    return t;
  }

  /**
   * A CompletableFuture that completes, on the reactor thread, with the Deferred's value or its
   * exception (the original object). The Deferred's result is consumed: it becomes {@code null},
   * and a failure is not reported as unhandled, since the future now carries it.
   *
   * <p>Cancelling the future cancels the Deferred: at once on the reactor thread, else through
   * {@link Reactor#callFromThread}. Stages added to the future without {@code Async} run on the
   * thread that completes it, which is the reactor thread: use the {@code ...Async} variants for
   * blocking work. Reactor thread.
   *
   * @param reactor the reactor that owns the Deferred
   * @param deferred the Deferred to follow
   * @param <T> the result type
   * @return a future of the Deferred's result
   */
  public static <T> CompletableFuture<T> toCompletableFuture(
      Reactor reactor, Deferred<T> deferred) {
    Objects.requireNonNull(reactor, "reactor");
    Objects.requireNonNull(deferred, "deferred");
    DeferredFuture<T> future = new DeferredFuture<>(reactor, deferred);
    deferred.addBoth(
        (value, failure) -> {
          if (failure != null) {
            future.completeExceptionally(failure.value());
          } else {
            future.complete(value);
          }
          return null;
        });
    return future;
  }

  /** A CompletableFuture whose cancellation reaches the Deferred it follows. Any thread. */
  private static final class DeferredFuture<T> extends CompletableFuture<T> {
    private final Reactor reactor;
    private final Deferred<T> deferred;

    DeferredFuture(Reactor reactor, Deferred<T> deferred) {
      this.reactor = reactor;
      this.deferred = deferred;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        if (reactor.isInReactorThread()) {
          deferred.cancel();
        } else {
          reactor.callFromThread(deferred::cancel);
        }
      }
      return cancelled;
    }

    @Override
    public String toString() {
      // Identity only: the Deferred belongs to the reactor thread and this may run elsewhere.
      return super.toString() + " following Deferred@" + Integer.toHexString(System.identityHashCode(deferred));
    }
  }
}
