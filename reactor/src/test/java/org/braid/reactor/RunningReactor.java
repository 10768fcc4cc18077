package org.braid.reactor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;

/**
 * Test support: a SelectorReactor running on its own thread, with bounded waits for the test
 * thread. Every wait fails the test instead of hanging.
 */
public final class RunningReactor implements AutoCloseable {
  /** How long any wait in a reactor test may take; generous, since it only bounds failures. */
  public static final Duration PATIENCE = Duration.ofSeconds(20);

  public final SelectorReactor reactor;
  private final Thread thread;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  private RunningReactor(SelectorReactor reactor) {
    this.reactor = reactor;
    this.thread =
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

  /** Runs the reactor on a new thread and waits until it is running. */
  public static RunningReactor start(SelectorReactor reactor) throws InterruptedException {
    RunningReactor running = new RunningReactor(reactor);
    CountDownLatch started = new CountDownLatch(1);
    reactor.callWhenRunning(started::countDown);
    running.thread.start();
    await(started);
    return running;
  }

  /** Runs the reactor on a new thread without waiting for it. */
  public static RunningReactor startInBackground(SelectorReactor reactor) {
    RunningReactor running = new RunningReactor(reactor);
    running.thread.start();
    return running;
  }

  /** Runs {@code callable} on the reactor thread and returns its Deferred's value. */
  public <T> T call(Callable<? extends Deferred<? extends T>> callable) throws Exception {
    return Threads.blockingCallFromThread(reactor, callable);
  }

  /** Computes a plain value (which may be a Deferred) on the reactor thread and returns it. */
  public <T> T compute(Callable<T> computation) throws Exception {
    java.util.concurrent.atomic.AtomicReference<T> holder =
        new java.util.concurrent.atomic.AtomicReference<>();
    call(
        () -> {
          holder.set(computation.call());
          return Deferred.succeed(null);
        });
    return holder.get();
  }

  /** Runs {@code action} on the reactor thread and waits for it. */
  public void run(Runnable action) throws Exception {
    call(
        () -> {
          action.run();
          return Deferred.succeed(null);
        });
  }

  /** Asks the reactor to stop and waits until run() has returned. */
  public void stopAndJoin() throws Exception {
    reactor.callFromThread(reactor::stop);
    join();
  }

  /** Waits until run() has returned; rethrows what it threw. */
  public void join() throws Exception {
    thread.join(PATIENCE.toMillis());
    if (thread.isAlive()) {
      throw new AssertionError("reactor did not stop within " + PATIENCE + ": " + reactor);
    }
    finished.get(1, TimeUnit.SECONDS);
  }

  /** Whether run() has returned. */
  public boolean isFinished() {
    return finished.isDone();
  }

  /** The thread running the reactor. */
  public Thread thread() {
    return thread;
  }

  /** Waits for a latch, failing the test after {@link #PATIENCE}. */
  public static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("timed out after " + PATIENCE + " waiting for " + latch);
    }
  }

  @Override
  public void close() {
    if (thread.isAlive() && reactor.isRunning()) {
      reactor.callFromThread(
          () -> {
            if (reactor.isRunning()) {
              try {
                reactor.stop();
              } catch (ReactorNotRunningException alreadyStopping) {
                // the test stopped it already
              }
            }
          });
    }
    try {
      thread.join(PATIENCE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the reactor to stop", e);
    }
  }
}
