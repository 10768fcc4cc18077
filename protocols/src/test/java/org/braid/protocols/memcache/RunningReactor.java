package org.braid.protocols.memcache;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.reactor.ReactorNotRunningException;
import org.braid.reactor.SelectorReactor;

/**
 * Test support: a SelectorReactor on its own thread, and bounded waits for the test thread. Every
 * wait fails the test after {@link #PATIENCE} instead of hanging.
 */
final class RunningReactor implements AutoCloseable {
  /** How long any wait may take; generous, since it only bounds failures. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  final SelectorReactor reactor;
  private final Thread thread;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  private RunningReactor() {
    reactor = SelectorReactor.builder().shutdownTimeout(Duration.ofSeconds(5)).build();
    thread = new Thread(() -> {
      try {
        reactor.run();
        finished.complete(null);
      } catch (Throwable t) {
        finished.completeExceptionally(t);
      }
    }, "memcache-test-reactor");
  }

  /** Runs a new reactor on a new thread and waits until it is running. */
  static RunningReactor start() throws InterruptedException {
    RunningReactor running = new RunningReactor();
    CountDownLatch started = new CountDownLatch(1);
    running.reactor.callWhenRunning(started::countDown);
    running.thread.start();
    if (!started.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("reactor did not start within " + PATIENCE);
    }
    return running;
  }

  /**
   * Runs {@code action} on the reactor thread and waits for its Deferred.
   *
   * @return the Deferred's value
   * @throws Exception what the Deferred failed with (or what the action threw)
   */
  <T> T await(Callable<? extends Deferred<? extends T>> action) throws Exception {
    return await(action, PATIENCE);
  }

  /** {@link #await(Callable)} with another bound. */
  <T> T await(Callable<? extends Deferred<? extends T>> action, Duration patience)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    reactor.callFromThread(() -> {
      try {
        action.call().addBoth((value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(failure.value());
          }
          return null;
        });
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + patience + " on " + reactor, e);
    }
  }

  /** Runs {@code action} on the reactor thread and returns what it returns (a Deferred too). */
  <T> T compute(Callable<T> action) throws Exception {
    java.util.concurrent.atomic.AtomicReference<T> result =
        new java.util.concurrent.atomic.AtomicReference<>();
    await(() -> {
      result.set(action.call());
      return Deferred.succeed(null);
    });
    return result.get();
  }

  /** Runs {@code action} on the reactor thread and waits until it ran. */
  void run(Runnable action) throws Exception {
    await(() -> {
      action.run();
      return Deferred.succeed(null);
    });
  }

  /** Stops the reactor and waits (bounded) until it has stopped. */
  @Override
  public void close() throws Exception {
    if (thread.isAlive()) {
      reactor.callFromThread(() -> {
        try {
          reactor.stop();
        } catch (ReactorNotRunningException alreadyStopping) {
          // stopped by the test already
        }
      });
      thread.join(PATIENCE.toMillis());
      if (thread.isAlive()) {
        throw new AssertionError("reactor did not stop within " + PATIENCE + ": " + reactor);
      }
    }
    finished.get(1, TimeUnit.SECONDS);
  }
}
