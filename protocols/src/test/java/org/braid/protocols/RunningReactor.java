package org.braid.protocols;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.Deferred;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.Threads;

/**
 * Test support: a SelectorReactor running on its own thread, with bounded waits for the test
 * thread. Every wait fails the test instead of hanging.
 */
public final class RunningReactor implements AutoCloseable {
  /** How long any wait may take; generous, since it only bounds failures. */
  public static final Duration PATIENCE = Duration.ofSeconds(20);

  public final SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(false).build();
  private final Thread thread;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  private RunningReactor() {
    thread =
        new Thread(
            () -> {
              try {
                reactor.run();
                finished.complete(null);
              } catch (Throwable t) {
                finished.completeExceptionally(t);
              }
            },
            "reactor-under-test");
  }

  /** Runs a new reactor on its own thread and waits until it is running. */
  public static RunningReactor start() throws InterruptedException {
    RunningReactor running = new RunningReactor();
    CountDownLatch started = new CountDownLatch(1);
    running.reactor.callWhenRunning(started::countDown);
    running.thread.start();
    await(started);
    return running;
  }

  /** Runs {@code callable} on the reactor thread and returns its Deferred's value. */
  public <T> T call(Callable<? extends Deferred<? extends T>> callable) throws Exception {
    return Threads.blockingCallFromThread(reactor, callable);
  }

  /** Computes a value on the reactor thread and returns it. */
  public <T> T compute(Callable<T> computation) throws Exception {
    AtomicReference<T> holder = new AtomicReference<>();
    call(
        () -> {
          holder.set(computation.call());
          return Deferred.succeed(null);
        });
    return holder.get();
  }

  /** Waits for a latch, failing the test after {@link #PATIENCE}. */
  public static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("timed out after " + PATIENCE + " waiting for " + latch);
    }
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    if (thread.isAlive()) {
      reactor.callFromThread(
          () -> {
            if (reactor.isRunning()) {
              reactor.stop();
            }
          });
    }
    try {
      thread.join(PATIENCE.toMillis());
      if (thread.isAlive()) {
        throw new AssertionError("reactor did not stop within " + PATIENCE + ": " + reactor);
      }
      finished.get(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the reactor to stop", e);
    }
  }
}
