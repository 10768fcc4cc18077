package org.braid.tutorial;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.Threads;

/**
 * A {@link SelectorReactor} running on a thread of its own, for the chapters whose code runs on
 * real sockets: the chapter's main thread hands work to the reactor thread with {@link #call} and
 * waits for the result, as any plain thread talks to a reactor. Closing it stops the reactor and
 * waits for its thread to end.
 *
 * <p>{@link #call} and {@link #close}: any thread but the reactor thread.
 */
public final class ReactorThread implements AutoCloseable {
  /** The bound on every wait, so that a broken chapter fails instead of hanging the walkthrough. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private final SelectorReactor reactor;
  private final Thread thread;

  /**
   * Starts {@code reactor} on a new thread named {@code name}.
   *
   * @param reactor a reactor that has not run yet
   * @param name the reactor thread's name
   */
  public ReactorThread(SelectorReactor reactor, String name) {
    this.reactor = reactor;
    this.thread = new Thread(reactor::run, name);
    thread.start();
  }

  /**
   * Starts a plain reactor (no signal handlers) on a new thread.
   *
   * @param name the reactor thread's name
   * @return the running reactor
   */
  public static ReactorThread start(String name) {
    return new ReactorThread(SelectorReactor.builder().installSignalHandlers(false).build(), name);
  }

  /**
   * The reactor; touch it only on its thread, through {@link #call}.
   *
   * @return the reactor
   */
  public SelectorReactor reactor() {
    return reactor;
  }

  /**
   * Runs {@code work} on the reactor thread and waits (at most 10 s) for the Deferred it returns.
   *
   * @param work runs on the reactor thread
   * @param <T> the result type
   * @return the Deferred's value
   * @throws Exception what the Deferred failed with, or a {@link
   *     java.util.concurrent.TimeoutException} after 10 s
   */
  public <T> T call(Callable<? extends Deferred<? extends T>> work) throws Exception {
    // tag::call[]
    return Threads.blockingCallFromThread(
        reactor, () -> Deferred.maybeDeferredDeferring(work).addTimeout(BOUND, reactor));
    // end::call[]
  }

  /**
   * Stops the reactor and waits for its thread to end.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  @Override
  public void close() throws InterruptedException {
    reactor.callFromThread(reactor::stop);
    thread.join(BOUND.toMillis());
    if (thread.isAlive()) {
      throw new IllegalStateException(
          "reactor thread '" + thread.getName() + "' still runs " + BOUND + " after stop: " + reactor);
    }
  }
}
