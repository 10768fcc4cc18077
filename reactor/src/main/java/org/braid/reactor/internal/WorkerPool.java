package org.braid.reactor.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reactor's thread pool for blocking work ({@code deferToThread}): at most {@code size} named
 * daemon threads ({@code braid-pool-1}, ...), created only when work arrives and retired after a
 * minute idle; work beyond {@code size} waits in an unbounded FIFO queue (as Twisted's pool). The
 * executor itself is created on first use, so a reactor that never defers to a thread starts no
 * thread. Stopped at reactor shutdown ({@link #shutdown()}, later {@link #awaitStopped}); work
 * submitted afterwards is rejected.
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class WorkerPool {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  private final String namePrefix;
  private final int size;
  private final AtomicInteger threadNumber = new AtomicInteger();

  /** {@code null} until first use; guarded by {@code this}. */
  private ThreadPoolExecutor executor;

  private boolean stopped;

  /**
   * Creates a pool; no thread starts yet.
   *
   * @param namePrefix thread names are this plus "-" and a number
   * @param size the maximum number of threads, at least 1
   */
  public WorkerPool(String namePrefix, int size) {
    this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
    if (size < 1) {
      throw new IllegalArgumentException("thread pool size must be at least 1: " + size);
    }
    this.size = size;
  }

  /**
   * Runs {@code work} on a pool thread.
   *
   * @param work what to run; it must catch what it throws (the pool would only log it)
   * @throws RejectedExecutionException when the pool has been stopped
   */
  public void execute(Runnable work) {
    ThreadPoolExecutor e;
    synchronized (this) {
      if (stopped) {
        throw new RejectedExecutionException(
            "thread pool " + namePrefix + " is stopped (the reactor has shut down)");
      }
      if (executor == null) {
        executor =
            new ThreadPoolExecutor(
                size,
                size,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                  Thread t =
                      new Thread(runnable, namePrefix + "-" + threadNumber.incrementAndGet());
                  // Daemon: a blocking call stuck past shutdown must not keep the JVM alive.
                  t.setDaemon(true);
                  return t;
                });
        executor.allowCoreThreadTimeOut(true);
      }
      e = executor;
    }
    e.execute(work);
  }

  /**
   * Stops accepting work; what is running or queued goes on. Does not wait.
   */
  public void shutdown() {
    ThreadPoolExecutor e;
    synchronized (this) {
      stopped = true;
      e = executor;
    }
    if (e != null) {
      e.shutdown();
    }
  }

  /**
   * Waits, at most {@code bound}, for running and queued work to finish after {@link #shutdown()};
   * then interrupts the threads and drops work still queued, with a warning.
   *
   * @param bound how long to wait
   */
  public void awaitStopped(Duration bound) {
    ThreadPoolExecutor e;
    synchronized (this) {
      e = executor;
    }
    if (e == null) {
      return;
    }
    e.shutdown();
    try {
      if (!e.awaitTermination(Nanos.of(bound), TimeUnit.NANOSECONDS)) {
        List<Runnable> dropped = e.shutdownNow();
        LOG.warn(
            "Thread pool {} still busy {} after shutdown began: interrupted its threads and"
                + " dropped {} queued tasks",
            namePrefix,
            bound,
            dropped.size());
      }
    } catch (InterruptedException interrupted) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The number of live pool threads (for tests and diagnostics).
   *
   * @return 0 before first use
   */
  public synchronized int threadCount() {
    return executor == null ? 0 : executor.getPoolSize();
  }
}
