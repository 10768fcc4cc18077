package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.failure;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import java.net.ConnectException;
import java.time.Duration;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.inline.internal.InlineTask;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.reactor.ConnectionClosed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hard case 2, the connection attempt fails: one test for both styles. */
class ReconnectTest {
  /** 200 ms, 400 ms, 800 ms, then 1 s: no jitter, so the times are exact. */
  private static final BackoffPolicy BACKOFF =
      BackoffPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, () -> 0.0);

  @ParameterizedTest
  @EnumSource(Style.class)
  void healthyServerIsConnectedAtTheFirstAttempt(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();

    Deferred<MemcacheClientProtocol> client =
        f.recipes.connectWithRetry(f.net.endpoint(server), new RetryPlan(BACKOFF, 4));
    f.net.settle();

    assertThat(value(client).isConnected()).isTrue();
    assertThat(f.net.connectionAttempts()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverThatComesBackIsConnectedAfterTheBackOff(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.REFUSE_CONNECT);

    Deferred<MemcacheClientProtocol> client =
        f.recipes.connectWithRetry(f.net.endpoint(server), new RetryPlan(BACKOFF, 4));
    f.net.advance(Duration.ofMillis(300)); // attempts at 0 and 200 ms were refused
    assertThat(RecipeFixture.hasResult(client)).isFalse();
    server.setFailureMode(MemcacheFailureMode.NORMAL);
    f.net.advance(Duration.ofMillis(299));
    assertThat(RecipeFixture.hasResult(client)).as("the third attempt is due at 600 ms").isFalse();
    f.net.advance(Duration.ofMillis(1));

    assertThat(value(client).isConnected()).isTrue();
    assertThat(f.net.connectionAttempts()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void refusingServerMakesItGiveUpNamingAttemptsAndElapsedTime(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.REFUSE_CONNECT);

    Deferred<MemcacheClientProtocol> client =
        f.recipes.connectWithRetry(f.net.endpoint(server), new RetryPlan(BACKOFF, 4));
    f.net.advance(Duration.ofSeconds(10));

    Throwable gaveUp = failure(client);
    assertThat(gaveUp)
        .isInstanceOf(GaveUpConnectingException.class)
        .hasMessageStartingWith("gave up connecting to simulated:" + server.address())
        .hasMessageContaining("after 4 attempts in 1.400 s")
        .hasMessageContaining("last failure: java.net.ConnectException: Connection refused")
        .hasCauseInstanceOf(ConnectException.class);
    assertThat(((GaveUpConnectingException) gaveUp).elapsed()).isEqualTo(Duration.ofMillis(1400));
    assertThat(f.net.connectionAttempts()).isEqualTo(4);
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverThatClosesAtOnceCountsAsAFailedAttempt(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.ACCEPT_THEN_CLOSE);

    Deferred<MemcacheClientProtocol> client =
        f.recipes.connectWithRetry(f.net.endpoint(server), new RetryPlan(BACKOFF, 2));
    f.net.advance(Duration.ofSeconds(10));

    assertThat(failure(client))
        .isInstanceOf(GaveUpConnectingException.class)
        .hasMessageContaining("after 2 attempts in 200 ms")
        .hasCauseInstanceOf(ConnectionClosed.class);
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void cancellingDuringTheBackOffStopsRetrying(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.REFUSE_CONNECT);

    Deferred<MemcacheClientProtocol> client =
        f.recipes.connectWithRetry(f.net.endpoint(server), new RetryPlan(BACKOFF, 4));
    f.net.advance(Duration.ofMillis(100)); // first attempt refused; waiting until 200 ms
    client.cancel();
    f.net.advance(Duration.ofSeconds(10));

    assertThat(failure(client)).isInstanceOf(CancelledException.class);
    assertThat(f.net.connectionAttempts()).isEqualTo(1);
    assertThat(InlineTask.liveBodies()).isZero();
    f.assertNothingLeaks();
  }
}
