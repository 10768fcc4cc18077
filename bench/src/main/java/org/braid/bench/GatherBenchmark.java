package org.braid.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Waiting for {@value #INPUTS} Deferreds at once: Braid's {@code gatherResults}, {@link
 * CompletableFuture#allOf} and asynchbase's {@code Deferred.group} / {@code groupInOrder}. The
 * inputs are created, gathered, and only then fired, in order; each operation ends with the list
 * of the 100 values.
 *
 * <p>{@code allOf} yields no values, so its benchmark collects them with {@code join()} after the
 * gate opens, as callers of {@code allOf} do. asynchbase's {@code group} lists the values in the
 * order the inputs fired (here: input order); {@code groupInOrder} promises input order, like
 * {@code gatherResults}, and is the like-for-like peer.
 *
 * <p>JMH state, one instance per benchmark thread; the methods are called by the JMH worker thread
 * only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatherBenchmark {
  /** How many inputs each gathering has. */
  static final int INPUTS = 100;

  private List<Integer> captured;

  private final Callback<List<Integer>, List<Integer>> capture =
      values -> {
        captured = values;
        return values;
      };

  /**
   * Braid: {@code gatherResults} over 100 unfired Deferreds, then fire them.
   *
   * @return the values 0..99 in input order
   */
  @Benchmark
  public List<Integer> gatherResultsBraid() {
    captured = null;
    List<Deferred<Integer>> inputs = new ArrayList<>(INPUTS);
    for (int i = 0; i < INPUTS; i++) {
      inputs.add(new Deferred<>());
    }
    Deferred.<Integer>gatherResults(inputs).addCallback(capture);
    for (int i = 0; i < INPUTS; i++) {
      inputs.get(i).callback(i);
    }
    return captured;
  }

  /**
   * CompletableFuture: {@code allOf} over 100 incomplete futures, complete them, join the gate,
   * then collect the values.
   *
   * @return the values 0..99 in input order
   */
  @Benchmark
  public List<Integer> allOfCompletableFuture() {
    @SuppressWarnings("unchecked") // allOf takes an array, and Java has no generic array creation
    CompletableFuture<Integer>[] inputs =
        (CompletableFuture<Integer>[]) new CompletableFuture<?>[INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      inputs[i] = new CompletableFuture<>();
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(inputs);
    for (int i = 0; i < INPUTS; i++) {
      inputs[i].complete(i);
    }
    all.join();
    List<Integer> values = new ArrayList<>(INPUTS);
    for (CompletableFuture<Integer> input : inputs) {
      values.add(input.join());
    }
    return values;
  }

  /**
   * asynchbase: {@code Deferred.group} over 100 unfired Deferreds, then fire them, then join.
   *
   * @return the values in firing order, which here is 0..99
   * @throws Exception never: no input fails
   */
  @Benchmark
  public List<Integer> groupSuAsync() throws Exception {
    List<com.stumbleupon.async.Deferred<Integer>> inputs = suasyncInputs();
    com.stumbleupon.async.Deferred<ArrayList<Integer>> all =
        com.stumbleupon.async.Deferred.group(inputs);
    fire(inputs);
    return all.joinUninterruptibly();
  }

  /**
   * asynchbase: {@code Deferred.groupInOrder} over 100 unfired Deferreds, then fire them, then
   * join.
   *
   * @return the values 0..99 in input order
   * @throws Exception never: no input fails
   */
  @Benchmark
  public List<Integer> groupInOrderSuAsync() throws Exception {
    List<com.stumbleupon.async.Deferred<Integer>> inputs = suasyncInputs();
    com.stumbleupon.async.Deferred<ArrayList<Integer>> all =
        com.stumbleupon.async.Deferred.groupInOrder(inputs);
    fire(inputs);
    return all.joinUninterruptibly();
  }

  private static List<com.stumbleupon.async.Deferred<Integer>> suasyncInputs() {
    List<com.stumbleupon.async.Deferred<Integer>> inputs = new ArrayList<>(INPUTS);
    for (int i = 0; i < INPUTS; i++) {
      inputs.add(new com.stumbleupon.async.Deferred<>());
    }
    return inputs;
  }

  private static void fire(List<com.stumbleupon.async.Deferred<Integer>> inputs) {
    for (int i = 0; i < INPUTS; i++) {
      inputs.get(i).callback(i);
    }
  }
}
