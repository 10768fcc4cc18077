package org.braid.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** twisted.application test_internet.py: BackoffPolicyTests. */
class BackoffPolicyTest {

  @Test
  void twistedsDefaultGrowsByOneAndAHalfFromOneSecondUpToAMinutePlusJitter() {
    BackoffPolicy policy = BackoffPolicy.twistedDefault(() -> 0.0);
    assertThat(policy.delay(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(1)).isEqualTo(Duration.ofMillis(1500));
    assertThat(policy.delay(2)).isEqualTo(Duration.ofMillis(2250));
    assertThat(policy.delay(3)).isEqualTo(Duration.ofMillis(3375));
    assertThat(policy.delay(11)).isEqualTo(Duration.ofSeconds(60));
    assertThat(BackoffPolicy.twistedDefault(() -> 0.5).delay(11)).isEqualTo(Duration.ofMillis(60_500));
  }

  @Test
  void theCapComesBeforeTheJitter() {
    // test_internet.py: test_jitter (maxDelay is "before jitter is applied")
    BackoffPolicy policy =
        BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10), 2, () -> 0.75);
    assertThat(policy.delay(20)).isEqualTo(Duration.ofMillis(10_750));
  }

  @Test
  void hugeAttemptCountsDoNotOverflow() {
    // test_internet.py: test_delayDoesNotOverflow
    BackoffPolicy policy =
        BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 1e10, () -> 0);
    assertThat(policy.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aNegativeTotalCountsAsZero() {
    BackoffPolicy policy =
        BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 2, () -> -5);
    assertThat(policy.delay(1)).isEqualTo(Duration.ZERO);
  }

  @Test
  void theSameAttemptGivesTheSameDelay() {
    BackoffPolicy policy =
        BackoffPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(30), 3, () -> 0.001);
    assertThat(policy.delay(4)).isEqualTo(policy.delay(4)).isEqualTo(Duration.ofMillis(8101));
  }

  @Test
  void constantAlwaysWaitsTheSame() {
    BackoffPolicy policy = BackoffPolicy.constant(Duration.ofMillis(50));
    assertThat(policy.delay(1)).isEqualTo(policy.delay(1000)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void badParametersAreRejectedWithTheValue() {
    assertThatThrownBy(
            () -> BackoffPolicy.exponential(Duration.ofSeconds(-1), Duration.ofSeconds(1), 2, () -> 0))
        .hasMessage("initialDelay is negative: PT-1S");
    assertThatThrownBy(
            () -> BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, () -> 0))
        .hasMessage("factor must be positive and finite: 0.0");
    assertThatThrownBy(() -> BackoffPolicy.twistedDefault(() -> 0).delay(-1))
        .hasMessage("attempt is negative: -1");
  }
}
