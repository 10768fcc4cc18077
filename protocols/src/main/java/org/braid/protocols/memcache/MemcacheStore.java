package org.braid.protocols.memcache;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The storage engine of Braid's memcache server, with memcached's semantics: the storage
 * commands' conditions, cas uniques, incr/decr on unsigned 64-bit decimal values, touch,
 * flush_all with an optional delay, expiration times, a memory limit with LRU eviction, and the
 * usual statistics. A server protocol parses a request, calls {@link #execute}, and writes the
 * reply (unless the request was noreply).
 *
 * <h2>Time</h2>
 * Expiration uses whole seconds of the injected {@link InstantSource} (Unix time), never the
 * system clock directly, so tests drive time by hand. An item with expiration time T (in seconds
 * since the epoch) is gone from second T on. The {@code exptime} of a request means: 0, never;
 * 1 to 2,592,000 (30 days), that many seconds from now; above that, an absolute Unix time (in the
 * past: expired at once); negative, expired at once. An item stored already expired counts as
 * stored (memcached answers STORED) but is never seen again.
 *
 * <h2>Memory</h2>
 * Each item costs {@link #ITEM_OVERHEAD} bytes plus its key's UTF-8 bytes plus its data. When a
 * new item would take the total above the limit, the least recently used items are removed until
 * it fits: expired ones count as {@code reclaimed}, live ones as {@code evictions}. A get, a
 * successful store, incr/decr and touch make an item the most recently used. A value longer than
 * the value limit fails with {@code SERVER_ERROR object too large for cache}, an item larger than
 * the whole memory limit with {@code SERVER_ERROR out of memory storing object}; either way a
 * failed set also removes the key's old value, as memcached does, so no stale value survives a
 * set that the client believes replaced it.
 *
 * <h2>flush_all</h2>
 * Without a delay every item is removed at once. With a delay (an exptime, as above) every item
 * is removed at the first request at or after that second, including items stored after the
 * flush_all; a later flush_all replaces a pending one. (memcached 1.6.18, measured, applies a
 * delayed flush one second early, at delay - 1: with cas enabled it invalidates items stored at or
 * before now + delay - 1 from that second on. Braid keeps the documented meaning.)
 *
 * <p>Not thread-safe: one reactor thread owns a store (every connection of a server runs on it).
 */
public final class MemcacheStore {
  /**
   * The bytes an item costs beyond its key and data: an estimate of its JVM heap footprint (64-bit
   * JVM, compressed references): the item object (about 40 bytes), the data array's header (16),
   * the key string with its array (about 40), and the LRU map's entry with its table slot (about
   * 50). memcached's own item header is 48 to 56 bytes; Java objects cost more.
   */
  public static final long ITEM_OVERHEAD = 160;

  /** The largest exptime taken as relative seconds (30 days); larger ones are Unix times. */
  public static final int MAX_RELATIVE_EXPTIME = 60 * 60 * 24 * 30;

  private static final long NEVER = Long.MAX_VALUE;
  private static final long NO_FLUSH = Long.MAX_VALUE;
  private static final String NON_NUMERIC = "cannot increment or decrement non-numeric value";

  /** One stored item; its fields are replaced only through {@link #replace}. */
  private record Item(String key, int flags, byte[] data, long cas, long expiresAt, long size) {}

  private final InstantSource clock;
  private final long maxBytes;
  private final int maxValueLength;
  private final String version;
  private final long startedAt;

  /** Key to item, least recently used first (access order). */
  private final LinkedHashMap<String, Item> items = new LinkedHashMap<>(64, 0.75f, true);

  private long bytes;
  private long lastCas;
  /** The second at which a delayed flush_all removes everything, or NO_FLUSH. */
  private long flushAt = NO_FLUSH;

  private long totalItems;
  private long evictions;
  private long reclaimed;
  private long cmdGet;
  private long cmdSet;
  private long cmdFlush;
  private long cmdTouch;
  private long getHits;
  private long getMisses;
  private long getExpired;
  private long deleteHits;
  private long deleteMisses;
  private long incrHits;
  private long incrMisses;
  private long decrHits;
  private long decrMisses;
  private long casHits;
  private long casMisses;
  private long casBadval;
  private long touchHits;
  private long touchMisses;

  /**
   * A store with values up to 1 MiB, answering version with {@code "braid"}.
   *
   * @param clock the Unix time source
   * @param maxBytes the memory limit, counted as described in the class documentation
   */
  public MemcacheStore(InstantSource clock, long maxBytes) {
    this(clock, maxBytes, MemcacheLimits.DEFAULTS.maxValueLength(), "braid");
  }

  /**
   * A store.
   *
   * @param clock the Unix time source
   * @param maxBytes the memory limit, counted as described in the class documentation
   * @param maxValueLength the longest value, in bytes
   * @param version what the version command answers
   */
  public MemcacheStore(InstantSource clock, long maxBytes, int maxValueLength, String version) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxBytes <= ITEM_OVERHEAD) {
      throw new IllegalArgumentException("memory limit " + maxBytes
          + " bytes cannot hold a single item; an item costs at least " + (ITEM_OVERHEAD + 1));
    }
    if (maxValueLength < 0) {
      throw new IllegalArgumentException("value length limit " + maxValueLength + " is negative");
    }
    this.maxBytes = maxBytes;
    this.maxValueLength = maxValueLength;
    this.version = new VersionResult(version).version();
    this.startedAt = now();
  }

  /**
   * Carries out a request and returns the reply to send (the caller skips it for noreply
   * requests). Errors come back as {@link ErrorReply}s, never as exceptions.
   *
   * @param request any request but quit, which the connection handles by closing
   * @return the reply
   * @throws IllegalArgumentException for quit
   */
  public MemcacheReply execute(MemcacheRequest request) {
    try {
      return switch (request) {
        case MemcacheRequest.Get get -> get(get.keys(), get.withCas());
        case MemcacheRequest.Store store -> store(store.command(), store.key(), store.flags(),
            store.exptime(), store.data(), store.casUnique());
        case MemcacheRequest.Delete delete -> delete(delete.key());
        case MemcacheRequest.Counter counter ->
            counter(counter.command(), counter.key(), counter.delta());
        case MemcacheRequest.Touch touch -> touch(touch.key(), touch.exptime());
        // Only the general statistics; memcached also answers ERROR for arguments it lacks.
        case MemcacheRequest.Stats stats -> stats.arguments().isEmpty() ? stats()
            : ErrorReply.error();
        case MemcacheRequest.Version v -> new VersionResult(version);
        case MemcacheRequest.FlushAll flush -> {
          flushAll(flush.delay());
          yield OkReply.OK;
        }
        case MemcacheRequest.Quit quit -> throw new IllegalArgumentException(
            "quit has no reply: the connection closes it before reaching the store");
      };
    } catch (MemcacheErrorException e) {
      return e.reply();
    }
  }

  /**
   * get or gets: the live items among {@code keys}, in request order (a key named twice is
   * returned twice, as memcached does).
   *
   * @param keys the keys
   * @param withCas whether the values carry their cas unique (gets)
   * @return the hits
   */
  public GetResult get(List<String> keys, boolean withCas) {
    long now = beginRequest();
    List<Value> hits = new ArrayList<>(keys.size());
    for (String key : keys) {
      cmdGet++;
      Item item = items.get(key);
      if (item != null && isExpired(item, now)) {
        unlink(item);
        getExpired++;
        item = null;
      }
      if (item == null) {
        getMisses++;
      } else {
        getHits++;
        hits.add(new Value(key, item.flags(), item.data(),
            withCas ? OptionalLong.of(item.cas()) : OptionalLong.empty()));
      }
    }
    return hits.isEmpty() ? GetResult.EMPTY : new GetResult(hits);
  }

  /**
   * get of one key.
   *
   * @param key the key
   * @return the item with its cas unique, or empty on a miss
   */
  public Optional<Value> get(String key) {
    return get(List.of(key), true).find(key);
  }

  /**
   * A storage command.
   *
   * @param command set, add, replace, append, prepend or cas
   * @param key the key
   * @param flags stored with the item (ignored by append and prepend)
   * @param exptime when the item expires (ignored by append and prepend)
   * @param data the value; kept, not copied
   * @param casUnique for cas, the unique the item must have
   * @return STORED, NOT_STORED, or for cas EXISTS and NOT_FOUND
   * @throws MemcacheServerErrorException when the item is too large to store
   */
  public StoreResult store(
      StorageCommand command, String key, int flags, int exptime, byte[] data, long casUnique) {
    long now = beginRequest();
    cmdSet++;
    Item old = live(key, now);
    switch (command) {
      case ADD -> {
        if (old != null) {
          return StoreResult.NOT_STORED;
        }
      }
      case REPLACE, APPEND, PREPEND -> {
        if (old == null) {
          return StoreResult.NOT_STORED;
        }
      }
      case CAS -> {
        if (old == null) {
          casMisses++;
          return StoreResult.NOT_FOUND;
        }
        if (old.cas() != casUnique) {
          casBadval++;
          return StoreResult.EXISTS;
        }
        casHits++;
      }
      case SET -> {
        // unconditional
      }
    }
    byte[] newData = switch (command) {
      case APPEND -> concat(old.data(), data);
      case PREPEND -> concat(data, old.data());
      default -> data;
    };
    boolean keepsMetadata = command == StorageCommand.APPEND || command == StorageCommand.PREPEND;
    int newFlags = keepsMetadata ? old.flags() : flags;
    long expiresAt = keepsMetadata ? old.expiresAt() : expiresAt(exptime, now);
    String description = command.wireName() + " " + key + " (" + data.length + " bytes)";
    long size = sizeOf(key, newData.length);
    if (newData.length > maxValueLength || size > maxBytes) {
      if (command == StorageCommand.SET && old != null) {
        unlink(old);
      }
      throw new MemcacheServerErrorException(ErrorReply.serverError(
          newData.length > maxValueLength
              ? "object too large for cache" : "out of memory storing object"), description);
    }
    if (old != null) {
      unlink(old);
    }
    totalItems++;
    if (expiresAt <= now) {
      return StoreResult.STORED; // stored already expired: never visible (memcached does the same)
    }
    link(new Item(key, newFlags, newData, ++lastCas, expiresAt, size), now);
    return StoreResult.STORED;
  }

  /**
   * set.
   *
   * @param key the key
   * @param flags stored with the item
   * @param exptime when the item expires
   * @param data the value
   * @return STORED
   * @throws MemcacheServerErrorException when the item is too large to store
   */
  public StoreResult set(String key, int flags, int exptime, byte[] data) {
    return store(StorageCommand.SET, key, flags, exptime, data, 0);
  }

  /**
   * delete.
   *
   * @param key the key
   * @return DELETED or NOT_FOUND
   */
  public DeleteResult delete(String key) {
    long now = beginRequest();
    Item item = live(key, now);
    if (item == null) {
      deleteMisses++;
      return DeleteResult.NOT_FOUND;
    }
    unlink(item);
    deleteHits++;
    return DeleteResult.DELETED;
  }

  /**
   * incr or decr. The value must be a decimal number below 2^64 (after optional leading spaces
   * and '+', up to the end or a space, as memcached reads it; unlike memcached, a '-' sign is never
   * accepted, not even in "-0"); incr wraps around at 2^64, decr stops at 0. The item keeps its
   * flags and expiration time and gets a new cas unique. The new value is exactly its digits
   * (memcached 1.6 leaves trailing spaces when it shrinks a number in place, e.g. "9 " after
   * decrementing "10"; its protocol.txt allows both).
   *
   * @param command incr or decr
   * @param key the key
   * @param delta the unsigned amount
   * @return the new value, or NOT_FOUND
   * @throws MemcacheClientErrorException when the value is not such a number
   */
  public CounterResult counter(CounterCommand command, String key, long delta) {
    long now = beginRequest();
    boolean incr = command == CounterCommand.INCR;
    Item item = live(key, now);
    if (item == null) {
      if (incr) {
        incrMisses++;
      } else {
        decrMisses++;
      }
      return CounterResult.NOT_FOUND;
    }
    Long current = numericValue(item.data());
    if (current == null) {
      throw new MemcacheClientErrorException(ErrorReply.clientError(NON_NUMERIC),
          command.wireName() + " " + key);
    }
    long updated;
    if (incr) {
      incrHits++;
      updated = current + delta; // two's complement addition wraps at 2^64 like uint64_t
    } else {
      decrHits++;
      updated = Long.compareUnsigned(delta, current) > 0 ? 0 : current - delta;
    }
    byte[] digits = Ascii.bytes(Long.toUnsignedString(updated));
    unlink(item);
    link(new Item(key, item.flags(), digits, ++lastCas, item.expiresAt(),
        sizeOf(key, digits.length)), now);
    return CounterResult.of(updated);
  }

  /**
   * incr.
   *
   * @param key the key
   * @param delta the unsigned amount to add
   * @return the new value, or NOT_FOUND
   * @throws MemcacheClientErrorException when the value is not a number
   */
  public CounterResult incr(String key, long delta) {
    return counter(CounterCommand.INCR, key, delta);
  }

  /**
   * decr.
   *
   * @param key the key
   * @param delta the unsigned amount to subtract
   * @return the new value, or NOT_FOUND
   * @throws MemcacheClientErrorException when the value is not a number
   */
  public CounterResult decr(String key, long delta) {
    return counter(CounterCommand.DECR, key, delta);
  }

  /**
   * touch: a new expiration time for an existing item (its cas unique does not change).
   *
   * @param key the key
   * @param exptime the new expiration time
   * @return TOUCHED or NOT_FOUND
   */
  public TouchResult touch(String key, int exptime) {
    long now = beginRequest();
    cmdTouch++;
    Item item = live(key, now);
    if (item == null) {
      touchMisses++;
      return TouchResult.NOT_FOUND;
    }
    touchHits++;
    long expiresAt = expiresAt(exptime, now);
    unlink(item);
    if (expiresAt > now) {
      link(new Item(key, item.flags(), item.data(), item.cas(), expiresAt, item.size()), now);
    }
    return TouchResult.TOUCHED;
  }

  /**
   * flush_all: remove every item now, or at a later second.
   *
   * @param delay 0 for now, else an exptime (seconds from now up to 30 days, else a Unix time)
   */
  public void flushAll(int delay) {
    long now = beginRequest();
    cmdFlush++;
    long at = delay <= 0 ? now : expiresAt(delay, now);
    if (at <= now) {
      removeAll();
      flushAt = NO_FLUSH;
    } else {
      flushAt = at;
    }
  }

  /**
   * The statistics memcached's {@code stats} reports that apply to a store, in memcached's order.
   * A server adds its own (connections, pid) before replying.
   *
   * @return the statistics
   */
  public StatsResult stats() {
    long now = beginRequest();
    Map<String, String> stats = new LinkedHashMap<>();
    stats.put("uptime", Long.toString(now - startedAt));
    stats.put("time", Long.toString(now));
    stats.put("version", version);
    stats.put("cmd_get", Long.toString(cmdGet));
    stats.put("cmd_set", Long.toString(cmdSet));
    stats.put("cmd_flush", Long.toString(cmdFlush));
    stats.put("cmd_touch", Long.toString(cmdTouch));
    stats.put("get_hits", Long.toString(getHits));
    stats.put("get_misses", Long.toString(getMisses));
    stats.put("get_expired", Long.toString(getExpired));
    stats.put("delete_misses", Long.toString(deleteMisses));
    stats.put("delete_hits", Long.toString(deleteHits));
    stats.put("incr_misses", Long.toString(incrMisses));
    stats.put("incr_hits", Long.toString(incrHits));
    stats.put("decr_misses", Long.toString(decrMisses));
    stats.put("decr_hits", Long.toString(decrHits));
    stats.put("cas_misses", Long.toString(casMisses));
    stats.put("cas_hits", Long.toString(casHits));
    stats.put("cas_badval", Long.toString(casBadval));
    stats.put("touch_hits", Long.toString(touchHits));
    stats.put("touch_misses", Long.toString(touchMisses));
    stats.put("limit_maxbytes", Long.toString(maxBytes));
    stats.put("bytes", Long.toString(bytes));
    stats.put("curr_items", Integer.toString(items.size()));
    stats.put("total_items", Long.toString(totalItems));
    stats.put("evictions", Long.toString(evictions));
    stats.put("reclaimed", Long.toString(reclaimed));
    return new StatsResult(stats);
  }

  /**
   * The bytes the stored items cost, as counted against the limit.
   *
   * @return the total
   */
  public long bytes() {
    return bytes;
  }

  /**
   * How many items are stored (expired ones not yet noticed included).
   *
   * @return the count
   */
  public int itemCount() {
    return items.size();
  }

  /**
   * What an item costs against the memory limit.
   *
   * @param key its key
   * @param dataLength its data's length
   * @return {@link #ITEM_OVERHEAD} + the key's UTF-8 length + the data's length
   */
  public static long sizeOf(String key, int dataLength) {
    return ITEM_OVERHEAD + utf8Length(key) + dataLength;
  }

  @Override
  public String toString() {
    return "MemcacheStore[" + items.size() + " items, " + bytes + "/" + maxBytes + " bytes]";
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  /** The current second, after carrying out a delayed flush_all that has come due. */
  private long beginRequest() {
    long now = now();
    if (flushAt != NO_FLUSH && now >= flushAt) {
      removeAll();
      flushAt = NO_FLUSH;
    }
    return now;
  }

  /** The live item for key (made most recently used), removing it if it has expired. */
  private Item live(String key, long now) {
    Item item = items.get(key);
    if (item != null && isExpired(item, now)) {
      unlink(item);
      return null;
    }
    return item;
  }

  private static boolean isExpired(Item item, long now) {
    return item.expiresAt() <= now;
  }

  private static long expiresAt(int exptime, long now) {
    if (exptime == 0) {
      return NEVER;
    }
    if (exptime < 0) {
      return Long.MIN_VALUE;
    }
    return exptime <= MAX_RELATIVE_EXPTIME ? now + exptime : exptime;
  }

  /** Adds an item, first removing least recently used items until it fits. */
  private void link(Item item, long now) {
    Iterator<Item> lru = items.values().iterator();
    while (bytes + item.size() > maxBytes && lru.hasNext()) {
      Item victim = lru.next();
      lru.remove();
      bytes -= victim.size();
      if (isExpired(victim, now)) {
        reclaimed++;
      } else {
        evictions++;
      }
    }
    items.put(item.key(), item);
    bytes += item.size();
  }

  private void unlink(Item item) {
    items.remove(item.key());
    bytes -= item.size();
  }

  private void removeAll() {
    items.clear();
    bytes = 0;
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] joined = new byte[first.length + second.length];
    System.arraycopy(first, 0, joined, 0, first.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    return joined;
  }

  /**
   * The value as memcached's strtoull-based reading sees it: optional leading whitespace, an
   * optional '+', decimal digits below 2^64, then the end or whitespace (anything after is
   * ignored). Null when it is not a number.
   */
  private static Long numericValue(byte[] data) {
    int i = 0;
    while (i < data.length && isSpace(data[i])) {
      i++;
    }
    if (i < data.length && data[i] == '+') {
      i++;
    }
    int digitsStart = i;
    while (i < data.length && data[i] >= '0' && data[i] <= '9') {
      i++;
    }
    if (i == digitsStart || (i < data.length && !isSpace(data[i]))) {
      return null;
    }
    return Ascii.parseUnsigned64(data, digitsStart, i);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
  }

  private static int utf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
