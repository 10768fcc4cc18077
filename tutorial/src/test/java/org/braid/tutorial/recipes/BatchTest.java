package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.failure;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.tutorial.measure.InFlightGauge;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hard case 6, batching with a bound on requests in flight: one test for both styles. */
class BatchTest {

  private static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("item:" + i);
    }
    return keys;
  }

  /** Stores every third key's value ("value-i"), so that hits and misses interleave. */
  private static MemcacheClientProtocol filled(RecipeFixture f, MemcacheServer server, List<String> keys) {
    MemcacheClientProtocol cache = f.net.connect(server);
    for (int i = 0; i < keys.size(); i += 3) {
      cache.set(keys.get(i), ("value-" + i).getBytes(StandardCharsets.UTF_8));
    }
    f.net.settle();
    return cache;
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void thousandKeysArriveWithAtMostEightRequestsInFlight(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    List<String> keys = keys(1000);
    InFlightGauge gauge = new InFlightGauge(filled(f, f.server(), keys));

    Deferred<Map<String, String>> fetched = f.recipes.fetchMany(gauge, keys, 8);
    f.net.settle();

    Map<String, String> values = value(fetched);
    assertThat(values).hasSize(334);
    assertThat(values.keySet()).first().isEqualTo("item:0");
    assertThat(values).containsEntry("item:999", "value-999").doesNotContainKey("item:998");
    assertThat(gauge.sent()).isEqualTo(1000);
    assertThat(gauge.maxInFlight()).isLessThanOrEqualTo(8).isEqualTo(8);
    assertThat(gauge.inFlight()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void boundSetsThePaceOnASlowServer(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    List<String> keys = keys(1000);
    InFlightGauge gauge = new InFlightGauge(filled(f, server, keys));
    server.setFailureMode(MemcacheFailureMode.slow(Duration.ofMillis(10)));

    // 1,000 gets, 8 at a time, each answered 10 ms after it arrives: 125 rounds of 10 ms.
    Deferred<Map<String, String>> fetched = f.recipes.fetchMany(gauge, keys, 8);
    f.net.advance(Duration.ofMillis(1249));
    assertThat(RecipeFixture.hasResult(fetched)).isFalse();
    f.net.advance(Duration.ofMillis(1));

    assertThat(value(fetched)).hasSize(334);
    assertThat(gauge.maxInFlight()).isEqualTo(8);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void failingGetFailsTheBatchWithItsOwnException(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    List<String> keys = new ArrayList<>(keys(20));
    keys.add(10, "no spaces allowed"); // refused by the client before anything is sent
    MemcacheClientProtocol cache = filled(f, f.server(), keys(20));

    Deferred<Map<String, String>> fetched = f.recipes.fetchMany(cache, keys, 4);
    f.net.settle();

    assertThat(failure(fetched)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void boundBelowOneIsRefused(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());

    assertThat(failure(f.recipes.fetchMany(cache, keys(3), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInFlight must be at least 1: 0");
  }
}
