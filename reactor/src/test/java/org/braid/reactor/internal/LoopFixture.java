package org.braid.reactor.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.Reactor;
import org.braid.reactor.SelectorReactor;

/**
 * A running select loop for integration tests on real loopback sockets, and the ways a test
 * thread talks to it: run code on the loop thread and wait (bounded) for the result, wait for a
 * Deferred created there.
 *
 * <p>The loop is a real {@link SelectorReactor} running on its own thread; it is both the {@link
 * Reactor} and the {@link SelectorLoop} the networking code is given.
 */
public final class LoopFixture implements AutoCloseable {
  /** How long a test thread waits for the loop before failing. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  /** How long shutdown may flush what a test left open before aborting it. */
  private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(2);

  private final SelectorReactor loop;
  private final Thread thread;

  private LoopFixture(SelectorReactor loop, Thread thread) {
    this.loop = loop;
    this.thread = thread;
  }

  /**
   * Starts a loop on its own thread.
   *
   * @return the fixture; close it after the test
   */
  public static LoopFixture start() {
    SelectorReactor loop = SelectorReactor.builder().shutdownTimeout(SHUTDOWN_BOUND).build();
    Thread thread = new Thread(loop::run, "test-reactor");
    thread.setDaemon(true);
    CompletableFuture<Void> started = new CompletableFuture<>();
    loop.callFromThread(() -> started.complete(null));
    thread.start();
    get(started, "reactor start");
    return new LoopFixture(loop, thread);
  }

  /**
   * The reactor: its networking methods and clock run on the loop (call them through {@link
   * #call}).
   *
   * @return the reactor
   */
  public Reactor reactor() {
    return loop;
  }

  /**
   * The loop itself, for tests of the internal factories.
   *
   * @return the loop
   */
  public SelectorLoop loop() {
    return loop;
  }

  /**
   * Runs {@code action} on the loop thread and returns its result.
   *
   * @param action what to run
   * @param <T> the result type
   * @return what it returned
   * @throws AssertionError when it threw (as the cause) or the loop did not run it in time
   */
  public <T> T call(Callable<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    reactor()
        .callFromThread(
            () -> {
              try {
                result.complete(action.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return get(result, "call on the loop");
  }

  /**
   * Runs {@code action} on the loop thread and waits for it.
   *
   * @param action what to run
   */
  public void run(ThrowingRunnable action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Creates a Deferred on the loop thread and waits for its result.
   *
   * @param start returns the Deferred, on the loop thread
   * @param <T> its type
   * @return the value
   * @throws AssertionError when it fails (the failure's exception as the cause) or times out
   */
  public <T> T await(Callable<Deferred<T>> start) {
    CompletableFuture<T> result = new CompletableFuture<>();
    run(
        () ->
            start
                .call()
                .addCallbacks(
                    value -> {
                      result.complete(value);
                      return null;
                    },
                    failure -> {
                      result.completeExceptionally(failure.value());
                      return null;
                    }));
    return get(result, "Deferred");
  }

  /**
   * Creates a Deferred on the loop thread and waits for it to fail.
   *
   * @param start returns the Deferred, on the loop thread
   * @return the failure
   * @throws AssertionError when it succeeds or times out
   */
  public Failure awaitFailure(Callable<? extends Deferred<?>> start) {
    CompletableFuture<Failure> result = new CompletableFuture<>();
    run(
        () ->
            start
                .call()
                .addCallbacks(
                    value -> {
                      result.completeExceptionally(
                          new AssertionError("expected a failure, got the value " + value));
                      return null;
                    },
                    failure -> {
                      result.complete(failure);
                      return null;
                    }));
    return get(result, "failing Deferred");
  }

  /**
   * Descriptions of the ports, connections and attempts the loop still tracks.
   *
   * @return the descriptions
   */
  public List<String> tracked() {
    return call(loop::describeOpenPortsAndConnections);
  }

  /**
   * Waits for a future completed by loop code.
   *
   * @param future the future
   * @param what names it in the failure message
   * @param <T> its type
   * @return its value
   */
  public static <T> T get(CompletableFuture<T> future, String what) {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /**
   * Stops the reactor, whose shutdown flushes and closes (or, past a bound, aborts) whatever the
   * test left open, and waits for its thread.
   */
  @Override
  public void close() {
    loop.callFromThread(
        () -> {
          if (loop.isRunning()) {
            loop.stop();
          }
        });
    try {
      thread.join(WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted stopping the reactor", e);
    }
    if (thread.isAlive()) {
      throw new AssertionError("the reactor did not stop within " + WAIT.toSeconds() + " s");
    }
  }

  /** Code run on the loop that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    /**
     * Runs.
     *
     * @throws Exception anything
     */
    void run() throws Exception;
  }
}
