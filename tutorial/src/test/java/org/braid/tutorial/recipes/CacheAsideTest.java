package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.failure;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.protocols.memcache.MemcacheServerErrorException;
import org.braid.tutorial.recipes.Lookup.Source;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hard case 1, cache-aside: one test for both styles. */
class CacheAsideTest {

  @ParameterizedTest
  @EnumSource(Style.class)
  void cachedKeyIsReturnedWithoutLoading(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());
    f.write(cache, "user:42", "Ada");

    Deferred<Lookup> found =
        f.recipes.getOrLoad(cache, "user:42", () -> {
          throw new AssertionError("a hit must not load");
        });
    f.net.settle();

    assertThat(value(found)).isEqualTo(new Lookup("Ada", Source.HIT));
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void missingKeyIsLoadedAndAdded(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());

    Deferred<Lookup> found = f.recipes.getOrLoad(cache, "user:42", () -> Deferred.succeed("Ada"));
    f.net.settle();

    assertThat(value(found)).isEqualTo(new Lookup("Ada", Source.ADDED));
    assertThat(f.read(cache, "user:42")).isEqualTo("Ada");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void writerWhoAddsFirstWinsTheRaceAndItsValueIsReturned(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    MemcacheClientProtocol other = f.net.connect(server);
    Deferred<String> slowLoad = new Deferred<>();

    Deferred<Lookup> found = f.recipes.getOrLoad(cache, "user:42", () -> slowLoad);
    f.net.settle(); // our get missed; we are loading
    f.write(other, "user:42", "Ada (theirs)"); // someone else fills the cache meanwhile
    slowLoad.callback("Ada (ours)");
    f.net.settle();

    assertThat(value(found)).isEqualTo(new Lookup("Ada (theirs)", Source.LOST_RACE));
    assertThat(f.read(cache, "user:42")).isEqualTo("Ada (theirs)");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void keyThatVanishesAfterALostRaceGivesTheLoadedValueUncached(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    MemcacheClientProtocol other = f.net.connect(server);
    Deferred<String> slowLoad = new Deferred<>();

    Deferred<Lookup> found = f.recipes.getOrLoad(cache, "k", () -> slowLoad);
    f.net.settle();
    f.write(other, "k", "theirs");
    slowLoad.callback("ours");
    // Our add is refused; before our second get arrives, the other writer deletes the key.
    other.delete("k");
    f.net.settle();

    assertThat(value(found)).isEqualTo(new Lookup("ours", Source.NOT_CACHED));
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void failingLoaderFailsTheLookupWithItsOwnException(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());

    Deferred<Lookup> found =
        f.recipes.getOrLoad(cache, "k", () -> Deferred.fail(new IllegalStateException("db down")));
    f.net.settle();

    assertThat(failure(found)).isInstanceOf(IllegalStateException.class).hasMessage("db down");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void refusedAddFromAFailingServerFailsTheLookup(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server(MemcacheFailureMode.failNthWrite(1)));

    Deferred<Lookup> found = f.recipes.getOrLoad(cache, "k", () -> Deferred.succeed("v"));
    f.net.settle();

    assertThat(failure(found)).isInstanceOf(MemcacheServerErrorException.class);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void evictDeletesTheKeyAndSaysWhetherItWasThere(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());
    f.write(cache, "k", "v");

    Deferred<Boolean> first = f.recipes.evict(cache, "k");
    Deferred<Boolean> second = f.recipes.evict(cache, "k");
    f.net.settle();

    assertThat(value(first)).isTrue();
    assertThat(value(second)).isFalse();
    assertThat(f.read(cache, "k")).isNull();
  }
}
