package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.internal.SlowCallbackWatchdog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The debug option that warns when one callback holds the reactor thread too long. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowCallbackWarningTest {

  /** Blocks the reactor thread until released; named so the warning can be checked. */
  private static void blockTheReactorThread(CountDownLatch release) throws InterruptedException {
    if (!release.await(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("never released");
    }
  }

  @Test
  void aCallbackHoldingTheThreadPastTheThresholdIsReportedOnceWithItsStack() throws Exception {
    SelectorReactor reactor =
        SelectorReactor.builder().slowCallbackThreshold(Duration.ofMillis(20)).build();
    CountDownLatch release = new CountDownLatch(1);
    Runnable slow =
        new Runnable() {
          @Override
          public void run() {
            try {
              blockTheReactorThread(release);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public String toString() {
            return "the slow one";
          }
        };
    try (LogCapture log = LogCapture.of(SlowCallbackWatchdog.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      reactor.callFromThread(slow);
      ILoggingEvent warning =
          log.await(e -> e.getLevel() == Level.WARN, RunningReactor.PATIENCE);
      release.countDown();
      assertThat(warning.getFormattedMessage())
          .startsWith("Reactor thread blocked for ")
          .contains("(threshold 20 ms) in call from thread the slow one")
          .contains("deferToThread");
      StackTraceElementProxy[] stack = warning.getThrowableProxy().getStackTraceElementProxyArray();
      assertThat(Arrays.stream(stack).map(p -> p.getStackTraceElement().getMethodName()))
          .contains("blockTheReactorThread");
      assertThat(warning.getThrowableProxy().getMessage())
          .contains("stack of reactor thread 'reactor-under-test'");
      running.run(() -> {}); // later callbacks
      // Once per callback (other warnings could only come from a GC pause past 20 ms).
      assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("the slow one")).hasSize(1);
      running.stopAndJoin();
    }
  }

  @Test
  void aNonPositiveThresholdIsRejected() {
    assertThatThrownBy(() -> SelectorReactor.builder().slowCallbackThreshold(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
  }
}
