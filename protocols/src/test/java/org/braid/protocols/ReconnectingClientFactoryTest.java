package org.braid.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectingCancelledException;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryConnector;
import org.braid.reactor.testing.MemoryReactor;
import org.braid.reactor.testing.ReactorAssertions;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * test_factories.py: ReconnectingFactoryTests, against a server that refuses, accepts then
 * closes, and comes back; every delay checked on the manual clock.
 */
class ReconnectingClientFactoryTest {
  private final ManualClock clock = new ManualClock();
  private final MemoryReactor reactor = new MemoryReactor(clock);

  @AfterEach
  void nothingLeftBehind() {
    ReactorAssertions.assertClean(clock);
  }

  private static final class Stub extends Protocol {}

  /** Standard normal samples the test scripts, so the jitter is known. */
  private static final class ScriptedNormal implements java.util.function.DoubleSupplier {
    final Deque<Double> samples = new ArrayDeque<>();

    ScriptedNormal(double... values) {
      for (double v : values) {
        samples.add(v);
      }
    }

    @Override
    public double getAsDouble() {
      return samples.isEmpty() ? 0.0 : samples.poll();
    }
  }

  private ReconnectingClientFactory factory(double... normals) {
    ReconnectingClientFactory f = ReconnectingClientFactory.forProtocol(clock, Stub::new);
    f.setJitterSource(new ScriptedNormal(normals));
    return f;
  }

  private MemoryConnector connect(ReconnectingClientFactory f) {
    reactor.connectTCP("127.0.0.1", 9000, f, Duration.ofSeconds(30), null);
    return reactor.tcpClients().get(reactor.tcpClients().size() - 1).connector();
  }

  private static void refuse(ReconnectingClientFactory f, MemoryConnector c) {
    f.clientConnectionFailed(c, new Failure(new ConnectException("Connection refused: 127.0.0.1:9000")));
  }

  /** The only pending call's due time, measured from now. */
  private Duration nextRetryIn() {
    assertThat(clock.getDelayedCalls()).hasSize(1);
    return clock.getDelayedCalls().get(0).getTime().minus(clock.now());
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** Twisted's formula, written out independently: min(d * factor, max), then jitter. */
  private static double next(double delay, double factor, double max, double jitter, double z) {
    double capped = Math.min(delay * factor, max);
    return capped + capped * jitter * z;
  }

  @Test
  void defaultsAreTwisteds() {
    ReconnectingClientFactory f = factory();
    assertThat(f.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.maxDelay()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(f.factor()).isEqualTo(2.7182818284590451);
    assertThat(f.jitter()).isEqualTo(0.119626565582);
    assertThat(f.maxRetries()).isEmpty();
    assertThat(f.continueTrying()).isTrue();
    assertThat(f.delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.clampJitteredDelay()).isFalse();
  }

  @Test
  void refusedAttemptsAreRetriedAfterDelaysGrowingByFactorWithJitter() {
    // test_factories.py: test_parametrizedClock (one failure schedules exactly one call)
    double[] z = {0.5, -1.0, 2.0, 0.0};
    ReconnectingClientFactory f = factory(z);
    MemoryConnector c = connect(f);
    double delay = 1.0;
    for (int i = 0; i < z.length; i++) {
      refuse(f, c);
      delay = next(delay, Math.E, 3600, 0.119626565582, z[i]);
      assertThat(nextRetryIn()).as("retry %d", i + 1).isEqualTo(seconds(delay));
      assertThat(c.connectCalls()).isEqualTo(i);
      clock.advance(nextRetryIn());
      assertThat(c.connectCalls()).isEqualTo(i + 1);
    }
    assertThat(f.retries()).isEqualTo(4);
  }

  @Test
  void theFirstRetryWaitsInitialDelayTimesFactorNotInitialDelay() {
    ReconnectingClientFactory f = factory();
    f.setJitter(0);
    refuse(f, connect(f));
    assertThat(nextRetryIn()).isEqualTo(seconds(Math.E));
    f.stopTrying();
  }

  @Test
  void acceptedThenClosedRetriesFromTheInitialDelayAgain() {
    ReconnectingClientFactory f = factory();
    f.setJitter(0);
    MemoryConnector c = connect(f);
    refuse(f, c);
    clock.advance(nextRetryIn());
    refuse(f, c);
    assertThat(nextRetryIn()).isEqualTo(seconds(Math.E * Math.E));
    clock.advance(nextRetryIn());

    // The server comes back: accepts, then closes. forProtocol resets the delay on connect.
    Protocol p = f.buildProtocol(null);
    p.makeConnection(new StringTransport());
    assertThat(f.delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.retries()).isZero();
    f.clientConnectionLost(c, new Failure(new ConnectionDone()));
    assertThat(nextRetryIn()).isEqualTo(seconds(Math.E));
    clock.advance(nextRetryIn());
    assertThat(c.connectCalls()).isEqualTo(3);
  }

  @Test
  void withoutResetDelayTheBackoffKeepsGrowingAcrossSessions() {
    // The classic mistake (graphite carbon #110, autobahn #378): resetDelay is not automatic.
    ReconnectingClientFactory f =
        new ReconnectingClientFactory(clock) {
          @Override
          protected Protocol newProtocol(java.net.SocketAddress peer) {
            return new Stub();
          }
        };
    f.setJitter(0);
    MemoryConnector c = connect(f);
    refuse(f, c);
    clock.advance(nextRetryIn());
    f.buildProtocol(null).makeConnection(new StringTransport());
    f.clientConnectionLost(c, new Failure(new ConnectionDone()));
    assertThat(nextRetryIn()).isEqualTo(seconds(Math.E * Math.E));
    clock.advance(nextRetryIn());
  }

  @Test
  void theDelayIsCappedAtMaxDelayBeforeJitterSoJitterCanExceedIt() {
    // Twisted #4734 (wontfix): jitter applied after the cap
    ReconnectingClientFactory f = factory(0, 0, 0, 1.0);
    f.setMaxDelay(Duration.ofSeconds(10));
    MemoryConnector c = connect(f);
    double[] expected = {Math.E, Math.E * Math.E, 10, 10 + 10 * 0.119626565582};
    for (double e : expected) {
      refuse(f, c);
      assertThat(nextRetryIn()).isEqualTo(seconds(e));
      clock.advance(nextRetryIn());
    }
    assertThat(f.delay()).isGreaterThan(f.maxDelay());
  }

  @Test
  void clampingAfterJitterKeepsEveryDelayWithinMaxDelay() {
    ReconnectingClientFactory f = factory(0, 0, 0, 1.0, -1.0);
    f.setMaxDelay(Duration.ofSeconds(10));
    f.setClampJitteredDelay(true);
    MemoryConnector c = connect(f);
    double[] expected = {Math.E, Math.E * Math.E, 10, 10, 10 - 10 * 0.119626565582};
    for (double e : expected) {
      refuse(f, c);
      assertThat(nextRetryIn()).isEqualTo(seconds(e));
      clock.advance(nextRetryIn());
    }
  }

  @Test
  void maxRetriesAllowsThatManyRetriesThenGivesUp() {
    ReconnectingClientFactory f = factory();
    f.setMaxRetries(2);
    MemoryConnector c = connect(f);
    refuse(f, c);
    clock.advance(nextRetryIn());
    refuse(f, c);
    clock.advance(nextRetryIn());
    refuse(f, c);
    assertThat(clock.getDelayedCalls()).isEmpty();
    assertThat(c.connectCalls()).isEqualTo(2);
  }

  @Test
  void maxRetriesZeroNeverRetries() {
    ReconnectingClientFactory f = factory();
    f.setMaxRetries(0);
    refuse(f, connect(f));
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void stopTryingWhileWaitingCancelsTheRetry() {
    ReconnectingClientFactory f = factory();
    MemoryConnector c = connect(f);
    refuse(f, c);
    f.stopTrying();
    assertThat(clock.getDelayedCalls()).isEmpty();
    clock.advance(Duration.ofHours(2));
    assertThat(c.connectCalls()).isZero();
  }

  @Test
  void stopTryingWhileConnectingStopsTheAttemptAndDoesNotRetryItsFailure() {
    // test_factories.py: test_stopTryingDoesNotReconnect (Twisted #4846)
    ReconnectingClientFactory f = factory();
    MemoryConnector c = connect(f);
    refuse(f, c);
    clock.advance(nextRetryIn());
    f.stopTrying();
    assertThat(c.isStoppedConnecting()).isTrue();
    f.clientConnectionFailed(c, new Failure(new ConnectingCancelledException(c.getDestination())));
    assertThat(clock.getDelayedCalls()).isEmpty();
    assertThat(c.connectCalls()).isEqualTo(1);
  }

  @Test
  void stopTryingWhileConnectedMeansALaterLossIsFinal() {
    // test_factories.py: test_stopTryingWhenConnected
    ReconnectingClientFactory f = factory();
    MemoryConnector c = connect(f);
    f.buildProtocol(null).makeConnection(new StringTransport());
    f.stopTrying();
    f.clientConnectionLost(c, new Failure(new ConnectionDone()));
    assertThat(clock.getDelayedCalls()).isEmpty();
    assertThat(c.connectCalls()).isZero();
  }

  @Test
  void resetDelayAfterStopTryingAllowsRetryingAgain() {
    ReconnectingClientFactory f = factory();
    f.setJitter(0);
    MemoryConnector c = connect(f);
    f.stopTrying();
    f.resetDelay();
    refuse(f, c);
    assertThat(nextRetryIn()).isEqualTo(seconds(Math.E));
    f.stopTrying();
  }

  @Test
  void retryWithoutAConnectorIsAnError() {
    ReconnectingClientFactory f = factory();
    assertThatThrownBy(f::retry)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no connector to retry");
  }

  @Test
  void anAbsurdlyNegativeJitterDrawWaitsZeroNotANegativeDelay() {
    ReconnectingClientFactory f = factory(-100.0);
    MemoryConnector c = connect(f);
    refuse(f, c);
    assertThat(nextRetryIn()).isEqualTo(Duration.ZERO);
    clock.advance(Duration.ZERO);
    assertThat(c.connectCalls()).isEqualTo(1);
  }

  @Test
  void settingTheInitialDelayBeforeAnyRetryAppliesToTheFirstRetry() {
    ReconnectingClientFactory f = factory();
    f.setJitter(0);
    f.setInitialDelay(Duration.ofMillis(100));
    f.setFactor(2);
    MemoryConnector c = connect(f);
    refuse(f, c);
    assertThat(nextRetryIn()).isEqualTo(Duration.ofMillis(200));
    clock.advance(nextRetryIn());
  }

  @Test
  void badKnobsAreRejected() {
    ReconnectingClientFactory f = factory();
    assertThatThrownBy(() -> f.setFactor(0)).hasMessage("factor must be positive and finite: 0.0");
    assertThatThrownBy(() -> f.setJitter(-0.1)).hasMessage("jitter must be 0 or more and finite: -0.1");
    assertThatThrownBy(() -> f.setMaxRetries(-1)).hasMessage("maxRetries is negative: -1");
    assertThatThrownBy(() -> f.setMaxDelay(Duration.ofSeconds(-1)))
        .hasMessage("maxDelay is negative: PT-1S");
    assertThat(List.of(f.maxRetries().isPresent())).containsExactly(false);
  }
}
