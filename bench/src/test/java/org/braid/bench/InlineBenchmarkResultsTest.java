package org.braid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.braid.inline.internal.InlineTask;
import org.junit.jupiter.api.Test;

/**
 * Checks what the inline benchmarks compute, in the scheduling mode of the test JVM: the bench
 * module's surefire runs this class twice, once in carrier mode and once on the default scheduler
 * (see {@code bench/pom.xml}), as the benchmarks run in both. Each benchmark method runs on the same
 * state several times with different values, because JMH reuses the state across operations and a
 * loop that stopped resuming would otherwise return its last value forever.
 */
class InlineBenchmarkResultsTest {
  private static final int FIRED = InlineAwaitBenchmark.FIRED_AWAITS;

  @Test
  void everyAwaitLoopTakesEachFiredValueAndAwaitsTheFiredDeferredsForEveryPeer() {
    if (InlineTask.carrierMode()) {
      InlineAwaitBenchmark b = new InlineAwaitBenchmark();
      b.start();
      for (int seed : new int[] {3, 77, 120}) {
        b.seed = seed;
        assertThat(b.laterBraidInline()).isEqualTo(seed);
        assertThat(b.laterBraidCallbacks()).isEqualTo(seed);
        assertThat(b.laterVertx()).isEqualTo(seed);
        assertThat(b.firedBraidInline()).isEqualTo((seed + FIRED) & 127);
        assertThat(b.firedBraidCallbacks()).isEqualTo((seed + FIRED) & 127);
        assertThat(b.firedVertx()).isEqualTo((seed + FIRED) & 127);
      }
      assertThat(b.laterChain.resumptions()).isEqualTo(3);
      assertThat(b.laterBody.stop()).isEqualTo(3);
      assertThat(b.firedBody.stop()).isEqualTo(3);
      assertThat(b.laterVertx.stop()).isEqualTo(3);
      assertThat(b.firedVertx.stop()).isEqualTo(3);
    } else {
      InlineAwaitDefaultSchedulerBenchmark b = new InlineAwaitDefaultSchedulerBenchmark();
      b.start();
      for (int seed : new int[] {3, 77, 120}) {
        b.seed = seed;
        assertThat(b.laterBraidInline()).isEqualTo(seed);
        assertThat(b.firedBraidInline()).isEqualTo((seed + FIRED) & 127);
      }
      assertThat(b.laterBody.stop()).isEqualTo(3);
      assertThat(b.firedBody.stop()).isEqualTo(3);
    }
    assertThat(InlineTask.liveBodies()).isZero();
  }

  @Test
  void eachInlineBenchmarkClassRefusesToMeasureTheOtherSchedulingMode() {
    if (InlineTask.carrierMode()) {
      assertThatThrownBy(() -> new InlineAwaitDefaultSchedulerBenchmark().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("inline scheduling mode is carrier");
    } else {
      assertThatThrownBy(() -> new InlineAwaitBenchmark().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("inline scheduling mode is default");
    }
  }

  @Test
  void footprintSuspendsEveryBodyThenResumesThemAllToTheirValue() {
    SuspendedBodiesFootprint.Footprint f = SuspendedBodiesFootprint.measure(5_000);
    assertThat(f.mode()).isEqualTo(InlineTask.carrierMode() ? "carrier" : "default");
    assertThat(f.bodies()).isEqualTo(5_000);
    // A suspended virtual thread keeps at least its thread object and a stack chunk.
    assertThat(f.bytesPerBody()).isGreaterThan(200);
    assertThat(InlineTask.liveBodies()).isZero();
  }
}
