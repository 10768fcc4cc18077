package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.ReactorAssertions;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** test_policies.py: TimeoutMixinTests, on the manual clock. */
class IdleTimeoutTest {
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void nothingLeftBehind() {
    ReactorAssertions.assertClean(clock);
  }

  /** The Javadoc's example: 30 s idle timeout, reset by every line, cancelled on close. */
  final class Session extends LineReceiver {
    final IdleTimeout idle = new IdleTimeout(clock, this);
    final List<String> lines = new ArrayList<>();

    @Override
    public void connectionMade() {
      idle.setTimeout(Duration.ofSeconds(30));
    }

    @Override
    public void lineReceived(byte[] line) {
      idle.resetTimeout();
      lines.add(new String(line, ISO_8859_1));
    }

    @Override
    public void connectionLost(Failure reason) {
      idle.cancel();
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }

  @Test
  void anIdleConnectionIsLostWhenThePeriodPasses() {
    // test_policies.py: test_timeout
    Session s = new Session();
    StringTransport transport = StringTransport.withDisconnection(s);
    s.makeConnection(transport);
    clock.advance(seconds(29.999));
    assertThat(transport.isDisconnecting()).isFalse();
    clock.advance(seconds(0.001));
    assertThat(transport.isDisconnecting()).isTrue();
    assertThat(s.idle.isPending()).isFalse();
  }

  @Test
  void activityRestartsThePeriod() {
    // test_policies.py: test_noTimeout
    Session s = new Session();
    StringTransport transport = StringTransport.withDisconnection(s);
    s.makeConnection(transport);
    clock.advance(seconds(20));
    s.dataReceived("hello\r\n".getBytes(ISO_8859_1));
    clock.advance(seconds(29));
    assertThat(transport.isDisconnecting()).isFalse();
    clock.advance(seconds(1));
    assertThat(transport.isDisconnecting()).isTrue();
    assertThat(s.lines).containsExactly("hello");
  }

  @Test
  void closingTheConnectionCancelsTheTimer() {
    Session s = new Session();
    StringTransport transport = StringTransport.withDisconnection(s);
    s.makeConnection(transport);
    assertThat(clock.getDelayedCalls()).hasSize(1);
    transport.loseConnection();
    assertThat(clock.getDelayedCalls()).isEmpty();
    assertThat(s.idle.timeout()).isNull();
  }

  @Test
  void setTimeoutReturnsThePreviousPeriodAndNullDisarms() {
    // test_policies.py: test_return, test_noTimeout (setTimeout(None))
    int[] fired = new int[1];
    IdleTimeout idle = new IdleTimeout(clock, () -> fired[0]++);
    assertThat(idle.setTimeout(Duration.ofSeconds(5))).isNull();
    assertThat(idle.setTimeout(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(5));
    assertThat(idle.setTimeout(null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(idle.isPending()).isFalse();
    clock.advance(seconds(60));
    assertThat(fired[0]).isZero();
  }

  @Test
  void changingThePeriodRestartsTheTimerFromNow() {
    // test_policies.py: test_modifyTimeout
    int[] fired = new int[1];
    IdleTimeout idle = new IdleTimeout(clock, () -> fired[0]++);
    idle.setTimeout(Duration.ofSeconds(5));
    clock.advance(seconds(4));
    idle.setTimeout(Duration.ofSeconds(3));
    clock.advance(seconds(2.9));
    assertThat(fired[0]).isZero();
    clock.advance(seconds(0.1));
    assertThat(fired[0]).isEqualTo(1);
  }

  @Test
  void theCustomActionRunsOnceAndThePeriodIsKept() {
    // test_policies.py: test_timeout (timeoutConnection override)
    List<Duration> firedAt = new ArrayList<>();
    IdleTimeout idle = new IdleTimeout(clock, () -> firedAt.add(clock.now()));
    idle.setTimeout(Duration.ofSeconds(2));
    clock.advance(seconds(2));
    clock.advance(seconds(8));
    assertThat(firedAt).containsExactly(Duration.ofSeconds(2));
    assertThat(idle.timeout()).isEqualTo(Duration.ofSeconds(2));
    idle.resetTimeout(); // nothing runs any more: no timer to reset
    clock.advance(seconds(10));
    assertThat(firedAt).hasSize(1);
    idle.setTimeout(Duration.ofSeconds(2));
    clock.advance(seconds(2));
    assertThat(firedAt).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(22));
  }

  @Test
  void resetWithoutATimerDoesNothing() {
    // test_policies.py: test_resetTimeout before setTimeout
    IdleTimeout idle = new IdleTimeout(clock, () -> {});
    idle.resetTimeout();
    assertThat(clock.getDelayedCalls()).isEmpty();
    idle.cancel();
  }

  @Test
  void aNegativePeriodIsRejected() {
    IdleTimeout idle = new IdleTimeout(clock, () -> {});
    assertThatThrownBy(() -> idle.setTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idle timeout is negative: PT-1S");
  }

  @Test
  void setTimeoutFromTheActionStartsANewTimer() {
    int[] fired = new int[1];
    IdleTimeout[] idle = new IdleTimeout[1];
    idle[0] =
        new IdleTimeout(
            clock,
            () -> {
              if (++fired[0] < 3) {
                idle[0].setTimeout(Duration.ofSeconds(1));
              }
            });
    idle[0].setTimeout(Duration.ofSeconds(1));
    clock.advance(seconds(1));
    clock.advance(seconds(1));
    clock.advance(seconds(1));
    assertThat(fired[0]).isEqualTo(3);
    assertThat(idle[0].isPending()).isFalse();
  }
}
