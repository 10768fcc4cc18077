package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test clock the timeout tests rely on: if it is wrong, their verdicts mean nothing. */
class ManualSchedulerTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<String> ran = new ArrayList<>();

  @Test
  void callRunsWhenTheClockReachesItsDueTimeAndNotBefore() {
    clock.callLater(Duration.ofSeconds(10), () -> ran.add("due at 10s"));

    clock.advance(Duration.ofMillis(9_999));
    assertThat(ran).isEmpty();

    clock.advance(Duration.ofMillis(1));
    assertThat(ran).containsExactly("due at 10s");
    assertThat(clock.pendingCount()).isZero();
  }

  @Test
  void callsRunInDueOrderAndInSchedulingOrderWhenDueTogether() {
    clock.callLater(Duration.ofSeconds(2), () -> ran.add("b"));
    clock.callLater(Duration.ofSeconds(1), () -> ran.add("a"));
    clock.callLater(Duration.ofSeconds(2), () -> ran.add("c"));

    clock.advance(Duration.ofSeconds(5));

    assertThat(ran).containsExactly("a", "b", "c");
  }

  @Test
  void cancelledCallNeverRunsAndIsNoLongerActive() {
    Scheduler.ScheduledCall call = clock.callLater(Duration.ofSeconds(1), () -> ran.add("x"));

    call.cancel();
    clock.advance(Duration.ofSeconds(2));

    assertThat(ran).isEmpty();
    assertThat(call.isActive()).isFalse();
    assertThatThrownBy(call::cancel).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void callScheduledByARunningCallRunsInTheSameAdvanceWhenDue() {
    clock.callLater(
        Duration.ofSeconds(1),
        () -> clock.callLater(Duration.ofSeconds(1), () -> ran.add("at " + clock.now())));

    clock.advance(Duration.ofSeconds(3));

    assertThat(ran).containsExactly("at PT2S");
    assertThat(clock.now()).isEqualTo(Duration.ofSeconds(3));
  }
}
