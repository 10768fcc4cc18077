package org.braid.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.braid.reactor.SelectorReactor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Calls handed from other threads to a running event loop: Braid's {@code
 * SelectorReactor.callFromThread} from 1, 2 and 8 producer threads, beside the same hand-off into
 * Netty 4.2's NIO event loop ({@code execute}) and into a single-thread {@link ExecutorService}.
 * The score is calls per microsecond, all producers together.
 *
 * <p>Each producer keeps at most {@value #WINDOW} calls in flight (made but not yet run by the
 * loop): past that it waits (spinning, then yielding) until the loop catches up. So the score is
 * what the loop really runs, not how fast an unbounded queue can grow, and memory stays bounded.
 * Each call bumps its producer's counter, written only by the loop thread.
 *
 * <p>On this 2-core machine, 2 and 8 producers share the cores with the loop: the figures show
 * the cost of contention on the queue and of waking the loop, not parallel speed-up.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallFromThreadBenchmark {
  /** Calls one producer may have made that the loop has not run yet. */
  static final int WINDOW = 4096;

  /** A running SelectorReactor on its own thread, shared by the producers of one run. */
  @State(Scope.Benchmark)
  public static class Braid {
    SelectorReactor reactor;
    private Thread loop;

    /**
     * Starts the reactor thread and waits until the loop runs.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @Setup(Level.Trial)
    public void start() throws InterruptedException {
      reactor = new SelectorReactor();
      loop = new Thread(reactor::run, "braid-reactor");
      loop.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!reactor.isRunning()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the reactor did not start within 10 s");
        }
        Thread.sleep(1);
      }
    }

    /**
     * Stops the reactor and waits for its thread.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      reactor.callFromThread(reactor::stop);
      loop.join(TimeUnit.SECONDS.toMillis(30));
      if (loop.isAlive()) {
        throw new IllegalStateException("the reactor thread did not end within 30 s");
      }
    }
  }

  /** Netty's NIO event loop, one thread. */
  @State(Scope.Benchmark)
  public static class Netty {
    EventLoopGroup group;
    Executor loop;

    /** Starts the event loop. */
    @Setup(Level.Trial)
    public void start() {
      group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      loop = group.next();
    }

    /**
     * Shuts the event loop down.
     *
     * @throws Exception if it does not stop within 30 s
     */
    @TearDown(Level.Trial)
    public void stop() throws Exception {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
    }
  }

  /** A single-thread executor: a blocking queue and one worker. */
  @State(Scope.Benchmark)
  public static class SingleThreadExecutor {
    ExecutorService executor;

    /** Starts the worker. */
    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newSingleThreadExecutor();
    }

    /**
     * Shuts the worker down.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      executor.shutdown();
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the executor did not stop within 30 s");
      }
    }
  }

  /** One producer thread: its calls, and how many of them the loop has run. */
  @State(Scope.Thread)
  public static class Producer {
    /** Calls this producer made. */
    long sent;

    /** Calls of this producer the loop ran; written by the loop thread only. */
    final AtomicLong ran = new AtomicLong();

    /** The call: counts itself, on the loop thread. */
    final Runnable call = () -> ran.setRelease(ran.getPlain() + 1);

    /**
     * Waits until fewer than {@value #WINDOW} calls are in flight.
     *
     * @return calls in flight now
     */
    long awaitRoom() {
      long inFlight = sent - ran.getAcquire();
      int spins = 0;
      while (inFlight >= WINDOW) {
        if (++spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
        inFlight = sent - ran.getAcquire();
      }
      return inFlight;
    }

    /**
     * Waits until the loop has run every call this producer made (for tests).
     *
     * @param timeoutNanos how long to wait at most
     * @return true when all ran in time
     */
    boolean awaitAllRan(long timeoutNanos) {
      long deadline = System.nanoTime() + timeoutNanos;
      while (ran.getAcquire() < sent) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.yield();
      }
      return true;
    }
  }

  private static long submit(Producer p, Executor loop) {
    long inFlight = p.awaitRoom();
    loop.execute(p.call);
    p.sent++;
    return inFlight;
  }

  private static long submit(Producer p, SelectorReactor reactor) {
    long inFlight = p.awaitRoom();
    reactor.callFromThread(p.call);
    p.sent++;
    return inFlight;
  }

  /**
   * One producer, Braid.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(1)
  public long producers1Braid(Braid braid, Producer p) {
    return submit(p, braid.reactor);
  }

  /**
   * Two producers, Braid.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(2)
  public long producers2Braid(Braid braid, Producer p) {
    return submit(p, braid.reactor);
  }

  /**
   * Eight producers, Braid.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(8)
  public long producers8Braid(Braid braid, Producer p) {
    return submit(p, braid.reactor);
  }

  /**
   * One producer, Netty's event loop.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(1)
  public long producers1Netty(Netty netty, Producer p) {
    return submit(p, netty.loop);
  }

  /**
   * Two producers, Netty's event loop.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(2)
  public long producers2Netty(Netty netty, Producer p) {
    return submit(p, netty.loop);
  }

  /**
   * Eight producers, Netty's event loop.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(8)
  public long producers8Netty(Netty netty, Producer p) {
    return submit(p, netty.loop);
  }

  /**
   * One producer, a single-thread executor.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(1)
  public long producers1Executor(SingleThreadExecutor e, Producer p) {
    return submit(p, e.executor);
  }

  /**
   * Two producers, a single-thread executor.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(2)
  public long producers2Executor(SingleThreadExecutor e, Producer p) {
    return submit(p, e.executor);
  }

  /**
   * Eight producers, a single-thread executor.
   *
   * @return calls in flight before this one
   */
  @Benchmark
  @Threads(8)
  public long producers8Executor(SingleThreadExecutor e, Producer p) {
    return submit(p, e.executor);
  }
}
