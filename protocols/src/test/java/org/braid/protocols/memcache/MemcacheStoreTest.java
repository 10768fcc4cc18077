package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.protocols.memcache.Feeding.bytes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemcacheStoreTest {
  private static final long T0 = 1_700_000_000L; // a Unix time in 2023
  private static final int THIRTY_DAYS = 2_592_000;

  private final ManualInstantSource clock = new ManualInstantSource(T0);
  private final MemcacheStore store = new MemcacheStore(clock, 1 << 20);

  private String valueOf(String key) {
    return store.get(key).map(v -> new String(v.data(), StandardCharsets.ISO_8859_1)).orElse(null);
  }

  private long stat(String name) {
    return store.stats().getLong(name);
  }

  // --- storage commands -------------------------------------------------------------------------

  @Test
  void setStoresAValueWithItsFlagsAndACasUnique() {
    assertThat(store.set("k", 42, 0, bytes("v"))).isEqualTo(StoreResult.STORED);
    Value value = store.get("k").orElseThrow();
    assertThat(value.data()).isEqualTo(bytes("v"));
    assertThat(value.flags()).isEqualTo(42);
    assertThat(value.cas()).hasValue(1);
  }

  @Test
  void getWithoutCasReturnsValuesWithoutUniquesInRequestOrderMissesLeftOut() {
    store.set("a", 0, 0, bytes("1"));
    store.set("b", 0, 0, bytes("2"));
    GetResult result = store.get(List.of("b", "missing", "a", "b"), false);
    assertThat(result.values()).containsExactly(
        new Value("b", 0, bytes("2"), OptionalLong.empty()),
        new Value("a", 0, bytes("1"), OptionalLong.empty()),
        new Value("b", 0, bytes("2"), OptionalLong.empty()));
  }

  @Test
  void addStoresOnlyAMissingKey() {
    assertThat(store.store(StorageCommand.ADD, "k", 0, 0, bytes("1"), 0))
        .isEqualTo(StoreResult.STORED);
    assertThat(store.store(StorageCommand.ADD, "k", 0, 0, bytes("2"), 0))
        .isEqualTo(StoreResult.NOT_STORED);
    assertThat(valueOf("k")).isEqualTo("1");
  }

  @Test
  void replaceStoresOnlyAnExistingKey() {
    assertThat(store.store(StorageCommand.REPLACE, "k", 0, 0, bytes("1"), 0))
        .isEqualTo(StoreResult.NOT_STORED);
    assertThat(valueOf("k")).isNull();
    store.set("k", 0, 0, bytes("1"));
    assertThat(store.store(StorageCommand.REPLACE, "k", 0, 0, bytes("2"), 0))
        .isEqualTo(StoreResult.STORED);
    assertThat(valueOf("k")).isEqualTo("2");
  }

  @Test
  void appendAndPrependKeepTheItemsFlagsAndExpiry() {
    store.set("k", 7, 100, bytes("mid"));
    assertThat(store.store(StorageCommand.APPEND, "k", 1, 0, bytes(">"), 0))
        .isEqualTo(StoreResult.STORED);
    assertThat(store.store(StorageCommand.PREPEND, "k", 2, 0, bytes("<"), 0))
        .isEqualTo(StoreResult.STORED);
    assertThat(valueOf("k")).isEqualTo("<mid>");
    assertThat(store.get("k").orElseThrow().flags()).isEqualTo(7);
    clock.advanceSeconds(100);
    assertThat(valueOf("k")).as("expired with the original exptime").isNull();
  }

  @Test
  void appendOrPrependToAMissingKeyIsNotStored() {
    assertThat(store.store(StorageCommand.APPEND, "k", 0, 0, bytes("x"), 0))
        .isEqualTo(StoreResult.NOT_STORED);
    assertThat(store.store(StorageCommand.PREPEND, "k", 0, 0, bytes("x"), 0))
        .isEqualTo(StoreResult.NOT_STORED);
  }

  @Test
  void casStoresOnlyWhileTheUniqueIsUnchanged() {
    assertThat(store.store(StorageCommand.CAS, "k", 0, 0, bytes("1"), 1))
        .isEqualTo(StoreResult.NOT_FOUND);
    store.set("k", 0, 0, bytes("1"));
    long unique = store.get("k").orElseThrow().cas().getAsLong();
    store.set("k", 0, 0, bytes("2"));
    assertThat(store.store(StorageCommand.CAS, "k", 0, 0, bytes("3"), unique))
        .isEqualTo(StoreResult.EXISTS);
    long current = store.get("k").orElseThrow().cas().getAsLong();
    assertThat(store.store(StorageCommand.CAS, "k", 5, 0, bytes("3"), current))
        .isEqualTo(StoreResult.STORED);
    assertThat(valueOf("k")).isEqualTo("3");
    assertThat(stat("cas_misses")).isEqualTo(1);
    assertThat(stat("cas_badval")).isEqualTo(1);
    assertThat(stat("cas_hits")).isEqualTo(1);
  }

  @Test
  void everyModificationButTouchGivesANewCasUnique() {
    store.set("n", 0, 0, bytes("1"));
    long afterSet = store.get("n").orElseThrow().cas().getAsLong();
    store.store(StorageCommand.APPEND, "n", 0, 0, bytes("0"), 0);
    long afterAppend = store.get("n").orElseThrow().cas().getAsLong();
    store.incr("n", 1);
    long afterIncr = store.get("n").orElseThrow().cas().getAsLong();
    store.touch("n", 100);
    long afterTouch = store.get("n").orElseThrow().cas().getAsLong();
    assertThat(afterAppend).isGreaterThan(afterSet);
    assertThat(afterIncr).isGreaterThan(afterAppend);
    assertThat(afterTouch).isEqualTo(afterIncr);
  }

  @Test
  void deleteRemovesAnItemOnce() {
    store.set("k", 0, 0, bytes("v"));
    assertThat(store.delete("k")).isEqualTo(DeleteResult.DELETED);
    assertThat(store.delete("k")).isEqualTo(DeleteResult.NOT_FOUND);
    assertThat(valueOf("k")).isNull();
    assertThat(stat("delete_hits")).isEqualTo(1);
    assertThat(stat("delete_misses")).isEqualTo(1);
  }

  // --- incr / decr ------------------------------------------------------------------------------

  @Test
  void incrAndDecrChangeADecimalValueAndKeepItsFlags() {
    store.set("n", 9, 0, bytes("10"));
    assertThat(store.incr("n", 5)).isEqualTo(CounterResult.of(15));
    assertThat(store.decr("n", 3)).isEqualTo(CounterResult.of(12));
    assertThat(valueOf("n")).isEqualTo("12");
    assertThat(store.get("n").orElseThrow().flags()).isEqualTo(9);
  }

  @Test
  void incrWrapsAroundAtTwoToThe64() {
    store.set("n", 0, 0, bytes("18446744073709551615"));
    assertThat(store.incr("n", 1)).isEqualTo(CounterResult.of(0));
    assertThat(valueOf("n")).isEqualTo("0");
    store.set("n", 0, 0, bytes("18446744073709551610"));
    assertThat(store.incr("n", 10)).isEqualTo(CounterResult.of(4));
  }

  @Test
  void decrStopsAtZero() {
    store.set("n", 0, 0, bytes("5"));
    assertThat(store.decr("n", 6)).isEqualTo(CounterResult.of(0));
    assertThat(store.decr("n", -1L)).isEqualTo(CounterResult.of(0));
    assertThat(valueOf("n")).isEqualTo("0");
  }

  @Test
  void decrementingToFewerDigitsShortensTheValueAndItsAccountedSize() {
    store.set("n", 0, 0, bytes("100"));
    long before = store.bytes();
    store.decr("n", 1);
    assertThat(valueOf("n")).isEqualTo("99");
    assertThat(store.bytes()).isEqualTo(before - 1).isEqualTo(MemcacheStore.sizeOf("n", 2));
  }

  @Test
  void incrOfANonNumericValueIsAClientError() {
    store.set("n", 0, 0, bytes("12abc"));
    assertThatThrownBy(() -> store.incr("n", 1))
        .isInstanceOf(MemcacheClientErrorException.class)
        .hasMessage("CLIENT_ERROR cannot increment or decrement non-numeric value"
            + " (request: incr n)");
    for (String bad : List.of("", " ", "abc", "-1", "18446744073709551616", "1.5")) {
      store.set("n", 0, 0, bytes(bad));
      assertThat(store.execute(MemcacheRequest.decr("n", 1))).as("value \"%s\"", bad)
          .isEqualTo(ErrorReply.clientError("cannot increment or decrement non-numeric value"));
    }
  }

  @Test
  void numbersAreReadAsMemcachedDoesWithSpacesAroundThem() {
    store.set("n", 0, 0, bytes("  +7  trailing words"));
    assertThat(store.incr("n", 1)).isEqualTo(CounterResult.of(8));
  }

  @Test
  void incrOfAMissingKeyIsNotFound() {
    assertThat(store.incr("n", 1)).isEqualTo(CounterResult.NOT_FOUND);
    assertThat(store.decr("n", 1)).isEqualTo(CounterResult.NOT_FOUND);
    assertThat(stat("incr_misses")).isEqualTo(1);
    assertThat(stat("decr_misses")).isEqualTo(1);
  }

  // --- expiry -----------------------------------------------------------------------------------

  @Test
  void relativeExptimeExpiresTheItemAtThatSecond() {
    store.set("k", 0, 10, bytes("v"));
    clock.advanceSeconds(9);
    assertThat(valueOf("k")).isEqualTo("v");
    clock.advanceSeconds(1);
    assertThat(valueOf("k")).isNull();
    assertThat(stat("get_expired")).isEqualTo(1);
  }

  @Test
  void zeroExptimeNeverExpires() {
    store.set("k", 0, 0, bytes("v"));
    clock.advanceSeconds(10L * 365 * 24 * 3600);
    assertThat(valueOf("k")).isEqualTo("v");
  }

  @Test
  void thirtyDaysIsTheLastRelativeExptimeAndLargerOnesAreUnixTimes() {
    store.set("relative", 0, THIRTY_DAYS, bytes("v"));
    // 2,592,001 read as a Unix time is in January 1970: already expired.
    assertThat(store.set("absolute-past", 0, THIRTY_DAYS + 1, bytes("v")))
        .isEqualTo(StoreResult.STORED);
    store.set("absolute-future", 0, (int) (T0 + 60), bytes("v"));
    assertThat(valueOf("absolute-past")).isNull();
    clock.advanceSeconds(59);
    assertThat(valueOf("absolute-future")).isEqualTo("v");
    clock.advanceSeconds(1);
    assertThat(valueOf("absolute-future")).isNull();
    clock.advanceSeconds(THIRTY_DAYS - 61);
    assertThat(valueOf("relative")).isEqualTo("v");
    clock.advanceSeconds(1);
    assertThat(valueOf("relative")).isNull();
  }

  @Test
  void negativeExptimeStoresAnItemThatIsAlreadyGoneAndReplacesTheOldOne() {
    store.set("k", 0, 0, bytes("old"));
    assertThat(store.set("k", 0, -1, bytes("new"))).isEqualTo(StoreResult.STORED);
    assertThat(valueOf("k")).isNull();
    assertThat(store.itemCount()).isZero();
  }

  @Test
  void expiredItemsAreMissingForEveryCommand() {
    store.set("k", 0, 1, bytes("1"));
    clock.advanceSeconds(1);
    assertThat(store.store(StorageCommand.ADD, "k", 0, 0, bytes("2"), 0))
        .as("add of an expired key").isEqualTo(StoreResult.STORED);
    store.set("e", 0, 1, bytes("1"));
    clock.advanceSeconds(1);
    assertThat(store.store(StorageCommand.REPLACE, "e", 0, 0, bytes("2"), 0))
        .isEqualTo(StoreResult.NOT_STORED);
    store.set("e", 0, 1, bytes("1"));
    clock.advanceSeconds(1);
    assertThat(store.incr("e", 1)).isEqualTo(CounterResult.NOT_FOUND);
    assertThat(store.delete("e")).isEqualTo(DeleteResult.NOT_FOUND);
    assertThat(store.touch("e", 10)).isEqualTo(TouchResult.NOT_FOUND);
  }

  @Test
  void touchGivesANewExpirationTime() {
    store.set("k", 0, 10, bytes("v"));
    clock.advanceSeconds(5);
    assertThat(store.touch("k", 10)).isEqualTo(TouchResult.TOUCHED);
    clock.advanceSeconds(9);
    assertThat(valueOf("k")).isEqualTo("v");
    clock.advanceSeconds(1);
    assertThat(valueOf("k")).isNull();
    assertThat(store.touch("k", 10)).isEqualTo(TouchResult.NOT_FOUND);
    assertThat(stat("touch_hits")).isEqualTo(1);
    assertThat(stat("touch_misses")).isEqualTo(1);
    assertThat(stat("cmd_touch")).isEqualTo(2);
  }

  @Test
  void touchWithANegativeExptimeExpiresTheItemNow() {
    store.set("k", 0, 0, bytes("v"));
    assertThat(store.touch("k", -1)).isEqualTo(TouchResult.TOUCHED);
    assertThat(valueOf("k")).isNull();
  }

  // --- flush_all --------------------------------------------------------------------------------

  @Test
  void flushAllRemovesEveryItemAtOnce() {
    store.set("a", 0, 0, bytes("1"));
    store.set("b", 0, 0, bytes("2"));
    store.flushAll(0);
    assertThat(valueOf("a")).isNull();
    assertThat(valueOf("b")).isNull();
    assertThat(store.bytes()).isZero();
    assertThat(stat("curr_items")).isZero();
    assertThat(stat("cmd_flush")).isEqualTo(1);
    store.set("a", 0, 0, bytes("3"));
    assertThat(valueOf("a")).isEqualTo("3");
  }

  @Test
  void delayedFlushAllRemovesEverythingStoredBeforeItsSecond() {
    store.set("before", 0, 0, bytes("1"));
    store.flushAll(10);
    clock.advanceSeconds(5);
    store.set("during", 0, 0, bytes("2"));
    clock.advanceSeconds(4);
    assertThat(valueOf("before")).isEqualTo("1");
    assertThat(valueOf("during")).isEqualTo("2");
    clock.advanceSeconds(1);
    assertThat(valueOf("before")).isNull();
    assertThat(valueOf("during")).isNull();
    store.set("after", 0, 0, bytes("3"));
    clock.advanceSeconds(100);
    assertThat(valueOf("after")).as("the flush happened once").isEqualTo("3");
  }

  @Test
  void aLaterFlushAllReplacesAPendingOne() {
    store.set("k", 0, 0, bytes("1"));
    store.flushAll(10);
    store.flushAll(20);
    clock.advanceSeconds(10);
    assertThat(valueOf("k")).isEqualTo("1");
    clock.advanceSeconds(10);
    assertThat(valueOf("k")).isNull();
  }

  @Test
  void flushAllDelayMayBeAUnixTime() {
    store.set("k", 0, 0, bytes("1"));
    store.flushAll((int) (T0 + 3));
    clock.advanceSeconds(2);
    assertThat(valueOf("k")).isEqualTo("1");
    clock.advanceSeconds(1);
    assertThat(valueOf("k")).isNull();
  }

  // --- memory limit -----------------------------------------------------------------------------

  @Test
  void itemsCostTheirOverheadKeyAndData() {
    store.set("key", 0, 0, new byte[100]);
    store.set("cl\u00e9", 0, 0, new byte[10]);
    assertThat(store.bytes()).isEqualTo(
        MemcacheStore.ITEM_OVERHEAD + 3 + 100 + MemcacheStore.ITEM_OVERHEAD + 4 + 10);
    assertThat(stat("bytes")).isEqualTo(store.bytes());
    store.delete("key");
    assertThat(store.bytes()).isEqualTo(MemcacheStore.ITEM_OVERHEAD + 4 + 10);
  }

  @Test
  void whenFullTheLeastRecentlyUsedItemsAreEvicted() {
    long itemSize = MemcacheStore.sizeOf("a", 100);
    MemcacheStore small = new MemcacheStore(clock, 3 * itemSize);
    small.set("a", 0, 0, new byte[100]);
    small.set("b", 0, 0, new byte[100]);
    small.set("c", 0, 0, new byte[100]);
    assertThat(small.get("a")).isPresent(); // a is now the most recently used
    small.set("d", 0, 0, new byte[100]);
    assertThat(small.get("b")).as("least recently used").isEmpty();
    assertThat(small.get(List.of("a", "c", "d"), false).values()).hasSize(3);
    assertThat(small.stats().getLong("evictions")).isEqualTo(1);
    assertThat(small.bytes()).isEqualTo(3 * itemSize);
  }

  @Test
  void evictingExpiredItemsCountsAsReclaimedNotEvictions() {
    long itemSize = MemcacheStore.sizeOf("a", 100);
    MemcacheStore small = new MemcacheStore(clock, 2 * itemSize);
    small.set("a", 0, 5, new byte[100]);
    small.set("b", 0, 0, new byte[100]);
    clock.advanceSeconds(5);
    small.set("c", 0, 0, new byte[100]);
    assertThat(small.stats().getLong("reclaimed")).isEqualTo(1);
    assertThat(small.stats().getLong("evictions")).isZero();
    assertThat(small.get("b")).isPresent();
  }

  @Test
  void growingAnItemEvictsOthersToMakeRoom() {
    long itemSize = MemcacheStore.sizeOf("a", 100);
    MemcacheStore small = new MemcacheStore(clock, 2 * itemSize);
    small.set("a", 0, 0, new byte[100]);
    small.set("b", 0, 0, new byte[100]);
    small.store(StorageCommand.APPEND, "b", 0, 0, new byte[1], 0);
    assertThat(small.get("a")).isEmpty();
    assertThat(small.get("b").orElseThrow().data()).hasSize(101);
  }

  @Test
  void valueLongerThanTheLimitIsTooLargeAndAFailedSetRemovesTheOldValue() {
    MemcacheStore limited = new MemcacheStore(clock, 1 << 20, 10, "test");
    limited.set("k", 0, 0, bytes("old"));
    assertThatThrownBy(() -> limited.set("k", 0, 0, new byte[11]))
        .isInstanceOf(MemcacheServerErrorException.class)
        .hasMessage("SERVER_ERROR object too large for cache (request: set k (11 bytes))");
    assertThat(limited.get("k")).as("no stale value after a failed set").isEmpty();
    limited.set("k", 0, 0, bytes("old"));
    assertThat(limited.execute(MemcacheRequest.add("k", 0, 0, new byte[11])))
        .isEqualTo(StoreResult.NOT_STORED);
    assertThat(limited.execute(MemcacheRequest.append("k", new byte[8])))
        .isEqualTo(ErrorReply.serverError("object too large for cache"));
    assertThat(limited.get("k")).as("a failed append keeps the value").isPresent();
  }

  @Test
  void itemLargerThanTheWholeMemoryIsOutOfMemory() {
    MemcacheStore tiny = new MemcacheStore(clock, 200, 1000, "test");
    assertThat(tiny.execute(MemcacheRequest.set("k", 0, 0, new byte[100])))
        .isEqualTo(ErrorReply.serverError("out of memory storing object"));
    assertThat(tiny.itemCount()).isZero();
  }

  @Test
  void aMemoryLimitTooSmallForAnyItemIsRefused() {
    assertThatThrownBy(() -> new MemcacheStore(clock, 160))
        .hasMessage("memory limit 160 bytes cannot hold a single item; an item costs at least"
            + " 161");
  }

  // --- statistics and execute -------------------------------------------------------------------

  @Test
  void statsCountCommandsHitsMissesAndItems() {
    store.set("a", 0, 0, bytes("1"));
    store.set("b", 0, 0, bytes("2"));
    store.store(StorageCommand.ADD, "a", 0, 0, bytes("3"), 0);
    store.get(List.of("a", "b", "c"), false);
    store.incr("a", 1);
    clock.advanceSeconds(7);
    StatsResult stats = store.stats();
    assertThat(stats.getLong("cmd_set")).isEqualTo(3);
    assertThat(stats.getLong("total_items")).isEqualTo(2);
    assertThat(stats.getLong("curr_items")).isEqualTo(2);
    assertThat(stats.getLong("cmd_get")).isEqualTo(3);
    assertThat(stats.getLong("get_hits")).isEqualTo(2);
    assertThat(stats.getLong("get_misses")).isEqualTo(1);
    assertThat(stats.getLong("incr_hits")).isEqualTo(1);
    assertThat(stats.getLong("uptime")).isEqualTo(7);
    assertThat(stats.getLong("time")).isEqualTo(T0 + 7);
    assertThat(stats.getLong("limit_maxbytes")).isEqualTo(1 << 20);
    assertThat(stats.get("version")).isEqualTo("braid");
    assertThat(stats.stats().keySet()).startsWith("uptime", "time", "version", "cmd_get");
  }

  @Test
  void executeAnswersEveryRequestWithItsReply() {
    assertThat(store.execute(MemcacheRequest.set("k", 1, 0, bytes("5"))))
        .isEqualTo(StoreResult.STORED);
    assertThat(store.execute(MemcacheRequest.gets("k")))
        .isEqualTo(new GetResult(List.of(new Value("k", 1, bytes("5"), OptionalLong.of(1)))));
    assertThat(store.execute(MemcacheRequest.incr("k", 2))).isEqualTo(CounterResult.of(7));
    assertThat(store.execute(MemcacheRequest.touch("k", 5))).isEqualTo(TouchResult.TOUCHED);
    assertThat(store.execute(MemcacheRequest.delete("k"))).isEqualTo(DeleteResult.DELETED);
    assertThat(store.execute(MemcacheRequest.version())).isEqualTo(new VersionResult("braid"));
    assertThat(store.execute(MemcacheRequest.flushAll())).isEqualTo(OkReply.OK);
    assertThat(store.execute(MemcacheRequest.stats())).isInstanceOf(StatsResult.class);
    assertThat(store.execute(MemcacheRequest.stats("slabs"))).isEqualTo(ErrorReply.error());
    assertThatThrownBy(() -> store.execute(MemcacheRequest.quit()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quit has no reply");
  }

  @Test
  void aRequestParsedFromTheWireRunsAgainstTheStore() {
    MemcacheRequestParser parser = new MemcacheRequestParser();
    StringBuilder replies = new StringBuilder();
    parser.feed(bytes("set n 0 0 2\r\n41\r\nincr n 1\r\nget n\r\nincr nope 1 noreply\r\n"),
        parsed -> {
          MemcacheRequest request = (MemcacheRequest) parsed;
          MemcacheReply reply = store.execute(request);
          if (request.expectsReply()) {
            replies.append(new String(MemcacheReplyEncoder.encode(reply),
                StandardCharsets.ISO_8859_1));
          }
        });
    assertThat(replies.toString()).isEqualTo("STORED\r\n42\r\nVALUE n 0 2\r\n42\r\nEND\r\n");
  }
}
