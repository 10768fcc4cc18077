package org.braid.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.braid.deferred.Callback;
import org.braid.deferred.Deferred;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The basic cost of a callback chain: create a Deferred, add {@value #CALLBACKS} cheap callbacks,
 * fire it and read the result; for Braid, {@link CompletableFuture} and asynchbase's Deferred.
 *
 * <ul>
 *   <li>{@code addThenFire*}: the callbacks are added first, then the Deferred fires and runs
 *       them all (the usual case: a request is sent, its reply arrives later).
 *   <li>{@code fireThenAdd*}: the Deferred has already fired, so each callback runs as it is
 *       added (a cache hit returned as {@code Deferred.succeed(value)}).
 * </ul>
 *
 * <p>Each peer reads the result the way its users do: {@code CompletableFuture.join()},
 * asynchbase's {@code joinUninterruptibly()} (which returns at once when the Deferred is done),
 * and, since Braid's Deferred has no getter by design (Twisted's), one more callback that stores
 * the value. That extra callback is counted in Braid's time.
 *
 * <p>JMH state, one instance per benchmark thread; the methods are called by the JMH worker
 * thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeferredChainBenchmark {
  /** How many callbacks each chain has. */
  static final int CALLBACKS = 10;

  private static final Callback<Integer, Integer> BRAID_INCREMENT = x -> x + 1;
  private static final Function<Integer, Integer> FUTURE_INCREMENT = x -> x + 1;
  private static final com.stumbleupon.async.Callback<Integer, Integer> SUASYNC_INCREMENT =
      x -> x + 1;

  /**
   * The value each chain starts from. A field, not a constant, so the JIT cannot fold the chain
   * away; small enough that every intermediate Integer comes from the Integer cache, so the
   * allocations counted by {@code -prof gc} are the libraries' own.
   */
  int seed;

  /**
   * Where each benchmark stores the Deferred it created. A Deferred handed out by an API escapes
   * (into a map of pending requests, a caller's field); without this store the JIT may prove it
   * never escapes and scalar-replace it, measuring a case real code never has. Every peer pays the
   * same one store.
   */
  Object published;

  /** Where Braid's reading callback puts the chain's result; reset before every operation. */
  private Integer captured;

  private final Callback<Integer, Integer> capture =
      value -> {
        captured = value;
        return value;
      };

  /**
   * Braid: new Deferred, 10 callbacks and the reading one, then fire.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer addThenFireBraid() {
    captured = null;
    Deferred<Integer> first = new Deferred<>();
    published = first;
    Deferred<Integer> chain = first;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.addCallback(BRAID_INCREMENT);
    }
    chain.addCallback(capture);
    first.callback(seed);
    return captured;
  }

  /**
   * CompletableFuture: new future, 10 {@code thenApply}, complete, join.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer addThenFireCompletableFuture() {
    CompletableFuture<Integer> first = new CompletableFuture<>();
    published = first;
    CompletableFuture<Integer> chain = first;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.thenApply(FUTURE_INCREMENT);
    }
    first.complete(seed);
    return chain.join();
  }

  /**
   * asynchbase: new Deferred, 10 callbacks, fire, join.
   *
   * @return the chain's result, {@code seed + 10}
   * @throws Exception never: the chain does not fail
   */
  @Benchmark
  public Integer addThenFireSuAsync() throws Exception {
    com.stumbleupon.async.Deferred<Integer> first = new com.stumbleupon.async.Deferred<>();
    published = first;
    com.stumbleupon.async.Deferred<Integer> chain = first;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.addCallback(SUASYNC_INCREMENT);
    }
    first.callback(seed);
    return chain.joinUninterruptibly();
  }

  /**
   * Braid: an already-fired Deferred, then 10 callbacks and the reading one, each run as added.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer fireThenAddBraid() {
    captured = null;
    Deferred<Integer> chain = Deferred.succeed(seed);
    published = chain;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.addCallback(BRAID_INCREMENT);
    }
    chain.addCallback(capture);
    return captured;
  }

  /**
   * CompletableFuture: a completed future, then 10 {@code thenApply}, then join.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer fireThenAddCompletableFuture() {
    CompletableFuture<Integer> chain = CompletableFuture.completedFuture(seed);
    published = chain;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.thenApply(FUTURE_INCREMENT);
    }
    return chain.join();
  }

  /**
   * asynchbase: {@code Deferred.fromResult}, then 10 callbacks, then join.
   *
   * @return the chain's result, {@code seed + 10}
   * @throws Exception never: the chain does not fail
   */
  @Benchmark
  public Integer fireThenAddSuAsync() throws Exception {
    com.stumbleupon.async.Deferred<Integer> chain = com.stumbleupon.async.Deferred.fromResult(seed);
    published = chain;
    for (int i = 0; i < CALLBACKS; i++) {
      chain = chain.addCallback(SUASYNC_INCREMENT);
    }
    return chain.joinUninterruptibly();
  }
}
