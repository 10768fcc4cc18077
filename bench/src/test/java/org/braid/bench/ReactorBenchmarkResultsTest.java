package org.braid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Checks what the reactor benchmarks compute: every timer scheduled is cancelled (or fired), and
 * every call handed to a loop from another thread runs there, for each loop and producer count.
 */
class ReactorBenchmarkResultsTest {
  @Test
  void scheduleAndCancelCancelsEveryCallItScheduledAndLeavesNoTimerBehind() {
    TimerBenchmark b = new TimerBenchmark();
    b.createReactor();
    assertThat(b.scheduleAndCancel()).isEqualTo(TimerBenchmark.SCHEDULED);
    assertThat(b.scheduleAndCancel()).isEqualTo(TimerBenchmark.SCHEDULED);
    assertThat(b.fired).isZero();
    b.checkReactorEmptyAndClose();
  }

  @Test
  void fireDueRunsEveryDueCallInOneStep() {
    TimerBenchmark b = new TimerBenchmark();
    for (int round = 0; round < 2; round++) {
      b.scheduleDue();
      assertThat(b.fireDue()).isEqualTo(TimerBenchmark.DUE);
    }
  }

  @Test
  void everyCallFromThreadRunsOnTheBraidReactorFromOneTwoAndEightProducers() throws Exception {
    CallFromThreadBenchmark.Braid braid = new CallFromThreadBenchmark.Braid();
    braid.start();
    try {
      for (int producers : new int[] {1, 2, 8}) {
        produce(producers, p -> new CallFromThreadBenchmark().producers2Braid(braid, p));
      }
    } finally {
      braid.stop();
    }
  }

  @Test
  void everyCallRunsOnNettysLoopAndOnTheExecutorFromOneTwoAndEightProducers() throws Exception {
    CallFromThreadBenchmark.Netty netty = new CallFromThreadBenchmark.Netty();
    CallFromThreadBenchmark.SingleThreadExecutor executor =
        new CallFromThreadBenchmark.SingleThreadExecutor();
    netty.start();
    executor.start();
    try {
      for (int producers : new int[] {1, 2, 8}) {
        produce(producers, p -> new CallFromThreadBenchmark().producers8Netty(netty, p));
        produce(producers, p -> new CallFromThreadBenchmark().producers1Executor(executor, p));
      }
    } finally {
      netty.stop();
      executor.stop();
    }
  }

  @Test
  void aProducerAtTheWindowWaitsUntilTheLoopRunsOneOfItsCalls() throws Exception {
    CallFromThreadBenchmark.Producer p = new CallFromThreadBenchmark.Producer();
    p.sent = CallFromThreadBenchmark.WINDOW - 1;
    assertThat(p.awaitRoom()).isEqualTo(CallFromThreadBenchmark.WINDOW - 1);

    p.sent = CallFromThreadBenchmark.WINDOW;
    long[] inFlight = {-1};
    Thread producer = new Thread(() -> inFlight[0] = p.awaitRoom());
    producer.start();
    p.call.run(); // the loop runs one call: one slot frees up
    producer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(producer.isAlive()).isFalse();
    assertThat(inFlight[0]).isEqualTo(CallFromThreadBenchmark.WINDOW - 1);
  }

  /** Runs {@code producers} threads, each making 50,000 calls, and checks that all of them ran. */
  private static void produce(int producers, Consumer<CallFromThreadBenchmark.Producer> op)
      throws InterruptedException {
    int callsEach = 50_000;
    List<CallFromThreadBenchmark.Producer> states = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < producers; t++) {
      CallFromThreadBenchmark.Producer p = new CallFromThreadBenchmark.Producer();
      states.add(p);
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < callsEach; i++) {
                  op.accept(p);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).as("producer still running after 60 s").isFalse();
    }
    for (CallFromThreadBenchmark.Producer p : states) {
      assertThat(p.sent).isEqualTo(callsEach);
      assertThat(p.awaitAllRan(TimeUnit.SECONDS.toNanos(30))).isTrue();
      assertThat(p.ran.get()).isEqualTo(callsEach);
    }
  }
}
