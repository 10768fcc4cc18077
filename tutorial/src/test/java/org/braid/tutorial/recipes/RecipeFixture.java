package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.inline.internal.InlineTask;
import org.braid.protocols.memcache.MemcacheClient;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.protocols.memcache.Value;
import org.braid.tutorial.simulated.SimulatedNetwork;

/**
 * What every recipe test needs: a simulated network on a manual clock, the recipes of one style,
 * and ways to read a Deferred's outcome without waiting.
 */
final class RecipeFixture {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  final SimulatedNetwork net = new SimulatedNetwork();
  final CacheRecipes recipes;

  RecipeFixture(Style style) {
    this.recipes = style.recipes(net.clock(), REQUEST_TIMEOUT);
  }

  MemcacheServer server() {
    return net.startServer();
  }

  MemcacheServer server(MemcacheFailureMode mode) {
    MemcacheServer server = net.startServer();
    server.setFailureMode(mode);
    return server;
  }

  /**
   * Tells whether the chain has reached its end with a result (not merely been called and now
   * waiting on another Deferred, which {@link Deferred#isCalled()} also counts), without consuming
   * the result.
   */
  static boolean hasResult(Deferred<?> d) {
    boolean[] reached = {false};
    d.addBoth(
        (value, failure) -> {
          reached[0] = true;
          if (failure != null) {
            throw failure.raiseException();
          }
          return value;
        });
    return reached[0];
  }

  /** The value of a Deferred that must have succeeded by now. */
  static <T> T value(Deferred<T> d) {
    Object[] seen = {null, null};
    d.addBoth(
        (value, failure) -> {
          seen[0] = value;
          seen[1] = failure;
          return null;
        });
    if (seen[1] != null) {
      throw new AssertionError("expected a value, got " + seen[1], ((Failure) seen[1]).value());
    }
    assertThat(d.isCalled()).as("%s has fired", d).isTrue();
    @SuppressWarnings("unchecked")
    T value = (T) seen[0];
    return value;
  }

  /** The exception of a Deferred that must have failed by now. */
  static Throwable failure(Deferred<?> d) {
    Throwable[] seen = {null};
    Object[] valueSeen = {null};
    boolean[] fired = {false};
    d.addBoth(
        (value, failure) -> {
          fired[0] = true;
          if (failure != null) {
            seen[0] = failure.value();
          } else {
            valueSeen[0] = value;
          }
          return null;
        });
    assertThat(fired[0]).as("%s has fired", d).isTrue();
    if (seen[0] == null) {
      throw new AssertionError("expected a failure, got the value " + valueSeen[0]);
    }
    return seen[0];
  }

  String read(MemcacheClient client, String key) {
    Deferred<Optional<Value>> hit = client.get(key);
    net.settle();
    return value(hit).map(v -> new String(v.data(), StandardCharsets.UTF_8)).orElse(null);
  }

  void write(MemcacheClient client, String key, String value) {
    Deferred<?> stored = client.set(key, value.getBytes(StandardCharsets.UTF_8));
    net.settle();
    value(stored);
  }

  /** Nothing left behind: no open connection, no request waiting, no inline body, no timer. */
  void assertNothingLeaks() {
    net.settle();
    assertThat(net.openConnections()).as("open connections").isZero();
    assertThat(net.pendingRequests()).as("requests waiting for a reply").isZero();
    assertThat(InlineTask.liveBodies()).as("live inline bodies").isZero();
    assertThat(net.clock().getDelayedCalls()).as("pending timers").isEmpty();
  }
}
