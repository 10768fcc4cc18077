package org.braid.reactor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadCallQueueTest {
  private final AtomicInteger wakeups = new AtomicInteger();
  private final ThreadCallQueue queue = new ThreadCallQueue(wakeups::incrementAndGet);
  private final List<String> ran = new ArrayList<>();

  @Test
  void aBurstOfCallsWakesTheLoopOncePerPass() {
    for (int i = 0; i < 1000; i++) {
      queue.add(() -> {}, false);
    }
    assertThat(wakeups).hasValue(1);
    queue.runQueued(Runnable::run);
    queue.add(() -> {}, false);
    queue.add(() -> {}, false);
    assertThat(wakeups).hasValue(2);
  }

  @Test
  void callsFromTheLoopThreadDoNotWakeItButAreSeenBeforeItSleeps() {
    queue.add(() -> {}, true);
    assertThat(wakeups).hasValue(0);
    assertThat(queue.hasQueued()).isTrue();
  }

  @Test
  void aPassRunsOnlyTheCallsQueuedWhenItBeganInOrder() {
    // test_internet.py: testCallFromThreadStops; a call queued by a call runs next pass
    queue.add(() -> {
      ran.add("a");
      queue.add(() -> ran.add("queued by a"), true);
    }, false);
    queue.add(() -> ran.add("b"), false);
    assertThat(queue.runQueued(Runnable::run)).isEqualTo(2);
    assertThat(ran).containsExactly("a", "b");
    assertThat(queue.hasQueued()).isTrue();
    queue.runQueued(Runnable::run);
    assertThat(ran).containsExactly("a", "b", "queued by a");
    assertThat(queue.hasQueued()).isFalse();
  }

  @Test
  void afterCloseQueuedAndLaterCallsAreRejectedNotRun() {
    List<Runnable> rejected = new ArrayList<>();
    Runnable early = () -> ran.add("early");
    Runnable late = () -> ran.add("late");
    queue.add(early, false);
    queue.close(rejected::add);
    queue.add(late, false);
    assertThat(rejected).containsExactly(early, late);
    assertThat(ran).isEmpty();
    assertThat(queue.hasQueued()).isFalse();
  }
}
