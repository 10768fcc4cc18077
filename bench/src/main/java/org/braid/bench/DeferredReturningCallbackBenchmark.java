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
 * Chains whose callbacks return Deferreds, {@value #STEPS} steps long: Braid's {@code
 * addCallbackDeferring}, {@link CompletableFuture#thenCompose} and asynchbase's {@code
 * addCallbackDeferring}. All steps are added before the first Deferred fires.
 *
 * <ul>
 *   <li>{@code firedInner*}: each step returns a Deferred that has already fired (a cached
 *       answer), so the chain takes its result at once.
 *   <li>{@code unfiredInner*}: each step returns a Deferred that has not fired yet (a request in
 *       flight); the chain pauses on it, the benchmark fires it, and the chain resumes and reaches
 *       the next step. The whole sequence, all 11 fires included, is one operation.
 * </ul>
 *
 * <p>Results are read as in {@link DeferredChainBenchmark}. JMH state, one instance per benchmark
 * thread; the methods are called by the JMH worker thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeferredReturningCallbackBenchmark {
  /** How many Deferred-returning steps each chain has. */
  static final int STEPS = 10;

  private static final Callback<Integer, Deferred<Integer>> BRAID_FIRED_STEP =
      x -> Deferred.succeed(x + 1);
  private static final Function<Integer, CompletableFuture<Integer>> FUTURE_FIRED_STEP =
      x -> CompletableFuture.completedFuture(x + 1);
  private static final com.stumbleupon.async.Callback<
          com.stumbleupon.async.Deferred<Integer>, Integer>
      SUASYNC_FIRED_STEP = x -> com.stumbleupon.async.Deferred.fromResult(x + 1);

  /** The value each chain starts from; see {@link DeferredChainBenchmark#seed}. */
  int seed;

  /**
   * Where each benchmark stores its first Deferred, so that it escapes; see {@link
   * DeferredChainBenchmark#published}.
   */
  Object published;

  private Integer captured;

  private final Callback<Integer, Integer> capture =
      value -> {
        captured = value;
        return value;
      };

  /** The inner Deferred the last step returned and that nobody has fired yet, per peer. */
  private Deferred<Integer> braidPending;

  private CompletableFuture<Integer> futurePending;
  private com.stumbleupon.async.Deferred<Integer> suasyncPending;

  /** The value the pending inner Deferred is to be fired with. */
  private Integer pendingValue;

  private final Callback<Integer, Deferred<Integer>> braidUnfiredStep =
      x -> {
        Deferred<Integer> inner = new Deferred<>();
        braidPending = inner;
        pendingValue = x + 1;
        return inner;
      };

  private final Function<Integer, CompletableFuture<Integer>> futureUnfiredStep =
      x -> {
        CompletableFuture<Integer> inner = new CompletableFuture<>();
        futurePending = inner;
        pendingValue = x + 1;
        return inner;
      };

  private final com.stumbleupon.async.Callback<com.stumbleupon.async.Deferred<Integer>, Integer>
      suasyncUnfiredStep =
          x -> {
            com.stumbleupon.async.Deferred<Integer> inner = new com.stumbleupon.async.Deferred<>();
            suasyncPending = inner;
            pendingValue = x + 1;
            return inner;
          };

  /**
   * Braid: 10 steps each returning {@code Deferred.succeed(x + 1)}.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer firedInnerBraid() {
    captured = null;
    Deferred<Integer> first = new Deferred<>();
    published = first;
    Deferred<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.addCallbackDeferring(BRAID_FIRED_STEP);
    }
    chain.addCallback(capture);
    first.callback(seed);
    return captured;
  }

  /**
   * CompletableFuture: 10 {@code thenCompose} each returning {@code completedFuture(x + 1)}.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer firedInnerCompletableFuture() {
    CompletableFuture<Integer> first = new CompletableFuture<>();
    published = first;
    CompletableFuture<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.thenCompose(FUTURE_FIRED_STEP);
    }
    first.complete(seed);
    return chain.join();
  }

  /**
   * asynchbase: 10 {@code addCallbackDeferring} each returning {@code fromResult(x + 1)}.
   *
   * @return the chain's result, {@code seed + 10}
   * @throws Exception never: the chain does not fail
   */
  @Benchmark
  public Integer firedInnerSuAsync() throws Exception {
    com.stumbleupon.async.Deferred<Integer> first = new com.stumbleupon.async.Deferred<>();
    published = first;
    com.stumbleupon.async.Deferred<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.addCallbackDeferring(SUASYNC_FIRED_STEP);
    }
    first.callback(seed);
    return chain.joinUninterruptibly();
  }

  /**
   * Braid: 10 steps each returning a new unfired Deferred, fired one after the other.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer unfiredInnerBraid() {
    captured = null;
    Deferred<Integer> first = new Deferred<>();
    published = first;
    Deferred<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.addCallbackDeferring(braidUnfiredStep);
    }
    chain.addCallback(capture);
    first.callback(seed);
    while (braidPending != null) {
      Deferred<Integer> inner = braidPending;
      braidPending = null;
      inner.callback(pendingValue);
    }
    return captured;
  }

  /**
   * CompletableFuture: 10 {@code thenCompose} each returning a new incomplete future, completed
   * one after the other.
   *
   * @return the chain's result, {@code seed + 10}
   */
  @Benchmark
  public Integer unfiredInnerCompletableFuture() {
    CompletableFuture<Integer> first = new CompletableFuture<>();
    published = first;
    CompletableFuture<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.thenCompose(futureUnfiredStep);
    }
    first.complete(seed);
    while (futurePending != null) {
      CompletableFuture<Integer> inner = futurePending;
      futurePending = null;
      inner.complete(pendingValue);
    }
    return chain.join();
  }

  /**
   * asynchbase: 10 {@code addCallbackDeferring} each returning a new unfired Deferred, fired one
   * after the other.
   *
   * @return the chain's result, {@code seed + 10}
   * @throws Exception never: the chain does not fail
   */
  @Benchmark
  public Integer unfiredInnerSuAsync() throws Exception {
    com.stumbleupon.async.Deferred<Integer> first = new com.stumbleupon.async.Deferred<>();
    published = first;
    com.stumbleupon.async.Deferred<Integer> chain = first;
    for (int i = 0; i < STEPS; i++) {
      chain = chain.addCallbackDeferring(suasyncUnfiredStep);
    }
    first.callback(seed);
    while (suasyncPending != null) {
      com.stumbleupon.async.Deferred<Integer> inner = suasyncPending;
      suasyncPending = null;
      inner.callback(pendingValue);
    }
    return chain.joinUninterruptibly();
  }
}
