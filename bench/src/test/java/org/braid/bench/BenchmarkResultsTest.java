package org.braid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Calls every benchmark once, as JMH would, and checks the value it computes: a benchmark whose
 * chain broke (a callback skipped, a pending Deferred never fired) would otherwise go on producing
 * fine-looking, meaningless numbers. Each method runs twice on the same state, because JMH reuses
 * the state object across operations.
 */
class BenchmarkResultsTest {
  private static final Integer CHAIN_RESULT = DeferredChainBenchmark.CALLBACKS;
  private static final List<Integer> GATHERED =
      IntStream.range(0, GatherBenchmark.INPUTS).boxed().toList();

  @Test
  void everyCallbackChainAddsTenToTheSeedForEveryPeer() throws Exception {
    DeferredChainBenchmark b = new DeferredChainBenchmark();
    for (int round = 0; round < 2; round++) {
      assertThat(b.addThenFireBraid()).isEqualTo(CHAIN_RESULT);
      assertThat(b.addThenFireCompletableFuture()).isEqualTo(CHAIN_RESULT);
      assertThat(b.addThenFireSuAsync()).isEqualTo(CHAIN_RESULT);
      assertThat(b.fireThenAddBraid()).isEqualTo(CHAIN_RESULT);
      assertThat(b.fireThenAddCompletableFuture()).isEqualTo(CHAIN_RESULT);
      assertThat(b.fireThenAddSuAsync()).isEqualTo(CHAIN_RESULT);
    }
  }

  @Test
  void chainsFollowSeedSoTheJitCannotFoldThemToAConstant() throws Exception {
    DeferredChainBenchmark b = new DeferredChainBenchmark();
    b.seed = 5;
    assertThat(b.addThenFireBraid()).isEqualTo(15);
    assertThat(b.fireThenAddSuAsync()).isEqualTo(15);
  }

  @Test
  void everyDeferredReturningChainRunsAllTenStepsForEveryPeer() throws Exception {
    DeferredReturningCallbackBenchmark b = new DeferredReturningCallbackBenchmark();
    Integer expected = DeferredReturningCallbackBenchmark.STEPS;
    for (int round = 0; round < 2; round++) {
      assertThat(b.firedInnerBraid()).isEqualTo(expected);
      assertThat(b.firedInnerCompletableFuture()).isEqualTo(expected);
      assertThat(b.firedInnerSuAsync()).isEqualTo(expected);
      assertThat(b.unfiredInnerBraid()).isEqualTo(expected);
      assertThat(b.unfiredInnerCompletableFuture()).isEqualTo(expected);
      assertThat(b.unfiredInnerSuAsync()).isEqualTo(expected);
    }
  }

  @Test
  void everyGatheringListsAllHundredValuesInInputOrder() throws Exception {
    GatherBenchmark b = new GatherBenchmark();
    for (int round = 0; round < 2; round++) {
      assertThat(b.gatherResultsBraid()).isEqualTo(GATHERED);
      assertThat(b.allOfCompletableFuture()).isEqualTo(GATHERED);
      assertThat(b.groupSuAsync()).isEqualTo(GATHERED);
      assertThat(b.groupInOrderSuAsync()).isEqualTo(GATHERED);
    }
  }
}
