package org.braid.reactor.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.braid.reactor.DelayedCall;
import org.junit.jupiter.api.Test;

class ReactorAssertionsTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void aClockWithNothingPendingIsClean() {
    clock.callLater(Duration.ofSeconds(1), () -> {});
    DelayedCall cancelled = clock.callLater(Duration.ofSeconds(1), () -> {});
    cancelled.cancel();
    clock.advance(Duration.ofSeconds(1));
    assertThatCode(() -> ReactorAssertions.assertClean(clock)).doesNotThrowAnyException();
  }

  @Test
  void aPendingCallFailsTheCheckAndIsListed() {
    Runnable retry =
        new Runnable() {
          @Override
          public void run() {}

          @Override
          public String toString() {
            return "reconnect attempt";
          }
        };
    clock.callLater(Duration.ofSeconds(30), retry);
    clock.callLater(Duration.ofSeconds(5), retry);
    assertThatThrownBy(() -> ReactorAssertions.assertClean(clock))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Reactor unclean")
        .hasMessageContaining("2 pending delayed calls:")
        .hasMessageContaining(
            "  DelayedCall[pending, due 5.000s (in 5.000s): reconnect attempt]\n"
                + "  DelayedCall[pending, due 30.000s (in 30.000s): reconnect attempt]");
    clock.getDelayedCalls().forEach(DelayedCall::cancel);
  }
}
