package org.braid.bench;

import java.util.concurrent.TimeUnit;
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
 * {@link InlineAwaitBenchmark}'s Braid inline methods with the inline module on the JDK's default
 * virtual-thread scheduler ({@code -Dbraid.inline.scheduler=default}): the resumer hands the baton
 * over and parks while the body runs on a carrier thread of the common pool, which is also how
 * Vert.x's virtual-thread verticles run. The setup refuses to run in any other mode.
 *
 * <p>JMH state, one instance per benchmark thread; that thread is the bodies' logical thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dbraid.inline.scheduler=default")
public class InlineAwaitDefaultSchedulerBenchmark {
  /** The value fired into each body; changed by the tests. */
  int seed = 3;

  ResidentInlineBody laterBody;
  ResidentInlineBody firedBody;

  /**
   * Starts the bodies after checking that the inline module runs in default mode.
   *
   * @throws IllegalStateException when it does not
   */
  @Setup(Level.Trial)
  public void start() {
    InlineAwaitBenchmark.requireMode(false);
    laterBody = new ResidentInlineBody(0);
    firedBody = new ResidentInlineBody(InlineAwaitBenchmark.FIRED_AWAITS);
  }

  /** Ends the bodies; each must end when told. */
  @TearDown(Level.Trial)
  public void stop() {
    laterBody.stop();
    firedBody.stop();
  }

  /**
   * Round trip on the default scheduler; see {@link InlineAwaitBenchmark#laterBraidInline}.
   *
   * @return the value the body took
   */
  @Benchmark
  public int laterBraidInline() {
    return laterBody.resume(seed);
  }

  /**
   * Fired awaits on the default scheduler; see {@link InlineAwaitBenchmark#firedBraidInline}.
   *
   * @return the body's result after {@value InlineAwaitBenchmark#FIRED_AWAITS} awaits
   */
  @Benchmark
  @OperationsPerInvocation(InlineAwaitBenchmark.FIRED_AWAITS)
  public int firedBraidInline() {
    return firedBody.resume(seed);
  }
}
