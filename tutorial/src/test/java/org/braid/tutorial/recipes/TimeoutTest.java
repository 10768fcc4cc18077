package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.failure;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hard case 5, timeouts and cancellation: whatever ends the read, the connection is closed and
 * nothing is left waiting. One test for both styles.
 */
class TimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @ParameterizedTest
  @EnumSource(Style.class)
  void readReturnsTheValueAndClosesItsConnection(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    f.write(f.net.connect(server), "k", "v");
    f.net.clients().get(0).transport().loseConnection();

    Deferred<Optional<String>> read = f.recipes.getOnce(f.net.endpoint(server), "k");
    f.net.settle();

    assertThat(value(read)).contains("v");
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverThatNeverAnswersTimesOutExactlyAndLeavesNothingBehind(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.NEVER_ANSWER);

    Deferred<Optional<String>> read =
        f.recipes.getOnce(f.net.endpoint(server), "k").addTimeout(TIMEOUT, f.net.clock());
    f.net.advance(TIMEOUT.minusMillis(1));
    assertThat(RecipeFixture.hasResult(read)).isFalse();
    assertThat(f.net.openConnections()).isEqualTo(1);
    f.net.advance(Duration.ofMillis(1));

    assertThat(failure(read)).isInstanceOf(TimeoutException.class);
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverThatAnswersHalfThenStallsTimesOutAndLeavesNothingBehind(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    f.write(f.net.connect(server), "k", "a value long enough to be cut in half");
    f.net.clients().get(0).transport().loseConnection();
    server.setFailureMode(MemcacheFailureMode.ANSWER_HALF_THEN_STALL);

    Deferred<Optional<String>> read =
        f.recipes.getOnce(f.net.endpoint(server), "k").addTimeout(TIMEOUT, f.net.clock());
    f.net.advance(TIMEOUT);

    assertThat(failure(read)).isInstanceOf(TimeoutException.class);
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void slowServerWithinTheTimeoutAnswers(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.slow(Duration.ofMillis(500)));

    Deferred<Optional<String>> read =
        f.recipes.getOnce(f.net.endpoint(server), "k").addTimeout(TIMEOUT, f.net.clock());
    f.net.advance(Duration.ofMillis(500));

    assertThat(value(read)).isEmpty();
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void cancellingWhileWaitingForTheReplyClosesTheConnection(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.NEVER_ANSWER);

    Deferred<Optional<String>> read = f.recipes.getOnce(f.net.endpoint(server), "k");
    f.net.settle();
    assertThat(f.net.pendingRequests()).isEqualTo(1);
    read.cancel();

    assertThat(failure(read)).isInstanceOf(CancelledException.class);
    f.assertNothingLeaks();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void cancellingWhileConnectingStopsTheAttempt(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();

    Deferred<Optional<String>> read = f.recipes.getOnce(f.net.endpoint(server), "k");
    read.cancel();

    assertThat(failure(read)).isInstanceOf(CancelledException.class);
    f.assertNothingLeaks();
    assertThat(f.net.clients()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void refusedConnectionFailsTheReadWithTheConnectException(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server(MemcacheFailureMode.REFUSE_CONNECT);

    Deferred<Optional<String>> read = f.recipes.getOnce(f.net.endpoint(server), "k");
    f.net.settle();

    assertThat(failure(read)).isInstanceOf(ConnectException.class);
    f.assertNothingLeaks();
  }
}
