package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredQueueTest {

  @Test
  void waitingGetsReceivePutsInTheOrderTheyAsked() {
    // test_defer.py: OtherPrimitivesTests.testQueue
    DeferredQueue<Integer> queue = new DeferredQueue<>(2, 2);
    List<Integer> gotten = new ArrayList<>();
    queue.get().addCallback(gotten::add);
    queue.get().addCallback(gotten::add);

    queue.put(0);
    assertThat(gotten).containsExactly(0);
    queue.put(1);
    assertThat(gotten).containsExactly(0, 1);
    assertThat(queue.waiting()).isZero();
    assertThat(queue.pending()).isZero();
  }

  @Test
  void itemsPutWithNobodyWaitingArePendingAndGetFiresAtOnceOldestFirst() {
    // test_defer.py: OtherPrimitivesTests.testQueue
    DeferredQueue<String> queue = new DeferredQueue<>();
    queue.put("a");
    queue.put("b");
    assertThat(queue.pending()).isEqualTo(2);

    assertThat(successResultOf(queue.get())).isEqualTo("a");
    assertThat(successResultOf(queue.get())).isEqualTo("b");
    assertThat(queue.pending()).isZero();
  }

  @Test
  void putBeyondTheSizeLimitOverflowsNamingPendingAndSize() {
    // test_defer.py: OtherPrimitivesTests.testQueue (QueueOverflow)
    DeferredQueue<Integer> queue = new DeferredQueue<>(2, 2);
    queue.put(1);
    queue.put(2);

    assertThatThrownBy(() -> queue.put(3))
        .isInstanceOf(QueueOverflowException.class)
        .hasMessageContaining("2 items pending, size limit 2");
    assertThat(queue.pending()).isEqualTo(2);
    assertThat(successResultOf(queue.get())).isEqualTo(1);
  }

  @Test
  void getBeyondTheBacklogLimitUnderflowsNamingWaitingAndBacklog() {
    // test_defer.py: OtherPrimitivesTests.testQueue (QueueUnderflow)
    DeferredQueue<Integer> queue = new DeferredQueue<>(2, 2);
    queue.get();
    queue.get();

    assertThatThrownBy(queue::get)
        .isInstanceOf(QueueUnderflowException.class)
        .hasMessageContaining("2 get() calls already waiting, backlog limit 2");
    assertThat(queue.waiting()).isEqualTo(2);
  }

  @Test
  void sizeZeroOverflowsEveryPutThatFindsNoWaitingGet() {
    // test_defer.py: OtherPrimitivesTests.testQueue (DeferredQueue(size=0))
    DeferredQueue<String> queue = DeferredQueue.withSize(0);
    assertThatThrownBy(() -> queue.put("lost"))
        .isInstanceOf(QueueOverflowException.class)
        .hasMessageContaining("size limit 0");

    Deferred<String> get = queue.get();
    queue.put("handed over");
    assertThat(successResultOf(get)).isEqualTo("handed over");
  }

  @Test
  void backlogZeroUnderflowsEveryGetOnAnEmptyQueue() {
    // test_defer.py: OtherPrimitivesTests.testQueue (DeferredQueue(backlog=0))
    DeferredQueue<String> queue = DeferredQueue.withBacklog(0);
    assertThatThrownBy(queue::get)
        .isInstanceOf(QueueUnderflowException.class)
        .hasMessageContaining("backlog limit 0");

    queue.put("pending");
    assertThat(successResultOf(queue.get())).isEqualTo("pending");
  }

  @Test
  void anUnboundedQueueTakesManyItemsAndManyGets() {
    // test_defer.py: OtherPrimitivesTests.testQueue (DeferredQueue())
    DeferredQueue<Integer> queue = DeferredQueue.unbounded();
    List<Integer> gotten = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      queue.get().addCallback(gotten::add);
    }
    for (int i = 0; i < 20_000; i++) {
      queue.put(i);
    }

    assertThat(gotten).hasSize(10_000).startsWith(0, 1, 2).endsWith(9_999);
    assertThat(queue.pending()).isEqualTo(10_000);
    assertThat(queue.sizeLimit()).isEqualTo(DeferredQueue.UNBOUNDED);
    assertThat(queue.backlogLimit()).isEqualTo(DeferredQueue.UNBOUNDED);
  }

  @Test
  void cancellingAWaitingGetHandsTheNextPutToTheNextWaiter() {
    DeferredQueue<String> queue = new DeferredQueue<>();
    Deferred<String> cancelled = queue.get();
    Deferred<String> next = queue.get();

    cancelled.cancel();
    queue.put("item");

    failureResultOf(cancelled, CancelledException.class);
    assertThat(successResultOf(next)).isEqualTo("item");
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void cancellingTheOnlyWaitingGetLetsTheNextPutGoToPending() {
    // test_defer.py: test_cancelQueueAfterGet
    DeferredQueue<String> queue = new DeferredQueue<>();
    Deferred<String> get = queue.get();

    get.cancel();
    failureResultOf(get, CancelledException.class);
    assertThat(queue.waiting()).isZero();

    queue.put("kept");
    assertThat(queue.pending()).isEqualTo(1);
    assertThat(successResultOf(queue.get())).isEqualTo("kept");
  }

  @Test
  void cancellingAWaitingGetFreesItsPlaceInTheBacklog() {
    DeferredQueue<String> queue = DeferredQueue.withBacklog(1);
    Deferred<String> get = queue.get();
    get.cancel();
    failureResultOf(get, CancelledException.class);

    Deferred<String> again = queue.get();

    assertNoResult(again);
  }

  @Test
  void cancellingAGetThatHasFiredDoesNothing() {
    // test_defer.py: test_cancelQueueAfterSynchronousGet
    DeferredQueue<String> queue = new DeferredQueue<>();
    Deferred<String> get = queue.get();
    queue.put("value");

    get.cancel();

    assertThat(successResultOf(get)).isEqualTo("value");
  }

  @Test
  void aGetterThatPutsAndGetsInItsCallbackSeesTheQueueConsistent() {
    // test_defer.py: test_cancelQueueAfterGet (put and get again from inside a callback)
    DeferredQueue<String> queue = new DeferredQueue<>();
    List<String> seen = new ArrayList<>();
    queue
        .get()
        .addCallbackDeferring(
            first -> {
              seen.add(first);
              queue.put("second");
              return queue.get();
            })
        .addCallback(seen::add);

    queue.put("first");

    assertThat(seen).containsExactly("first", "second");
    assertThat(queue.pending()).isZero();
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void negativeLimitsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> new DeferredQueue<String>(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DeferredQueue size < 0: -1");
    assertThatThrownBy(() -> new DeferredQueue<String>(0, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DeferredQueue backlog < 0: -2");
  }

  @Test
  void nullItemsAreRefused() {
    DeferredQueue<String> queue = new DeferredQueue<>();
    Deferred<String> get = queue.get();

    assertThatThrownBy(() -> queue.put(null)).isInstanceOf(NullPointerException.class);
    assertNoResult(get);
  }

  @Test
  void toStringShowsCountsAndLimitsButNotItems() {
    DeferredQueue<String> queue = new DeferredQueue<>(10, DeferredQueue.UNBOUNDED);
    queue.put("secret");

    assertThat(queue)
        .hasToString("DeferredQueue[1 pending, 0 waiting, size 10, backlog unbounded]");
  }
}
