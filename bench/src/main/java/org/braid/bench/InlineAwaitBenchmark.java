package org.braid.bench;

import java.util.concurrent.TimeUnit;
import org.braid.inline.internal.InlineTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an inline {@code await} costs, beside the plain callback chain that does the same, and
 * beside Vert.x 5's {@code Future.await()} on a virtual thread. Braid runs here in its fast
 * scheduling mode, <em>carrier</em> (the body is resumed on the resuming thread itself); {@link
 * InlineAwaitDefaultSchedulerBenchmark} runs the same Braid methods on the JDK's default
 * scheduler.
 *
 * <p>Every peer is a long-lived sequential loop (a {@link ResidentInlineBody}, a {@link
 * ResidentCallbackChain}, a {@link VertxAwaitLoop}) and the JMH thread plays the reactor: it fires
 * what the loop waits for and gets control back once the loop waits again.
 *
 * <ul>
 *   <li>{@code later*}: one operation is one round trip: fire the Deferred (complete the promise)
 *       the loop awaits; the loop takes the value, creates the next one and awaits it.
 *   <li>{@code fired*}: one resumption, then {@value #FIRED_AWAITS} awaits of Deferreds (futures)
 *       that have already fired; the score is per fired await (the round trip, divided by {@value
 *       #FIRED_AWAITS}, adds its share: compare with {@code later*}).
 * </ul>
 *
 * <p>Each method returns what the loop computed; {@code BenchmarkResultsTest} checks it. JMH
 * state, one instance per benchmark thread; that thread is the logical thread of the Braid peers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dbraid.inline.scheduler=carrier"
    })
public class InlineAwaitBenchmark {
  /** Awaits of already-fired Deferreds per operation of the {@code fired*} methods. */
  static final int FIRED_AWAITS = 1000;

  /** The value fired into each loop; changed by the tests. */
  int seed = 3;

  ResidentInlineBody laterBody;
  ResidentInlineBody firedBody;
  ResidentCallbackChain laterChain;
  ResidentCallbackChain firedChain;
  VertxAwaitLoop laterVertx;
  VertxAwaitLoop firedVertx;

  /**
   * Checks that the inline module runs in the scheduling mode a benchmark class measures.
   *
   * @param carrier whether carrier mode is expected
   * @throws IllegalStateException when it runs in the other mode
   */
  static void requireMode(boolean carrier) {
    if (InlineTask.carrierMode() != carrier) {
      throw new IllegalStateException(
          "inline scheduling mode is " + (InlineTask.carrierMode() ? "carrier" : "default")
              + ", this benchmark class measures " + (carrier ? "carrier" : "default")
              + "; check -Dbraid.inline.scheduler and --add-opens");
    }
  }

  /**
   * Starts every loop, after checking that the inline module runs in carrier mode.
   *
   * @throws IllegalStateException when it does not
   */
  @Setup(Level.Trial)
  public void start() {
    requireMode(true);
    laterBody = new ResidentInlineBody(0);
    firedBody = new ResidentInlineBody(FIRED_AWAITS);
    laterChain = new ResidentCallbackChain(0);
    firedChain = new ResidentCallbackChain(FIRED_AWAITS);
    laterVertx = new VertxAwaitLoop(0);
    firedVertx = new VertxAwaitLoop(FIRED_AWAITS);
  }

  /** Ends every loop; each must end when told. */
  @TearDown(Level.Trial)
  public void stop() {
    laterBody.stop();
    firedBody.stop();
    laterVertx.stop();
    firedVertx.stop();
  }

  /**
   * Round trip: the JMH thread fires the Deferred the inline body awaits; the body resumes inside
   * that {@code callback}, creates the next Deferred and awaits it.
   *
   * @return the value the body took
   */
  @Benchmark
  public int laterBraidInline() {
    return laterBody.resume(seed);
  }

  /**
   * Round trip, callback style: the callback on the fired Deferred takes the value, creates the
   * next Deferred and adds itself to it.
   *
   * @return the value the chain took
   */
  @Benchmark
  public int laterBraidCallbacks() {
    return laterChain.resume(seed);
  }

  /**
   * Round trip, Vert.x: the JMH thread completes the promise a virtual-thread verticle awaits and
   * waits until it awaits the next one.
   *
   * @return the value the verticle took
   */
  @Benchmark
  public int laterVertx() {
    return laterVertx.resume(seed);
  }

  /**
   * Per await of an already-fired Deferred, inside an inline body.
   *
   * @return the body's result after {@value #FIRED_AWAITS} awaits
   */
  @Benchmark
  @OperationsPerInvocation(FIRED_AWAITS)
  public int firedBraidInline() {
    return firedBody.resume(seed);
  }

  /**
   * Per value taken from an already-fired Deferred by adding a callback.
   *
   * @return the chain's result after {@value #FIRED_AWAITS} steps
   */
  @Benchmark
  @OperationsPerInvocation(FIRED_AWAITS)
  public int firedBraidCallbacks() {
    return firedChain.resume(seed);
  }

  /**
   * Per {@code Future.succeededFuture(x).await()} on a Vert.x virtual-thread verticle.
   *
   * @return the verticle's result after {@value #FIRED_AWAITS} awaits
   */
  @Benchmark
  @OperationsPerInvocation(FIRED_AWAITS)
  public int firedVertx() {
    return firedVertx.resume(seed);
  }
}
