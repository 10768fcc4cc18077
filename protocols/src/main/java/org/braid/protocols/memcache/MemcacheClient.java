package org.braid.protocols.memcache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.braid.deferred.Deferred;

/**
 * The memcache commands as typed calls that return Deferreds. {@link MemcacheClientProtocol}
 * implements it for one connection; a client of many servers implements the same interface by
 * routing each request to a connection, so code written against {@code MemcacheClient} runs on
 * either.
 *
 * <pre>{@code
 * client.set("user:42", 0, 3600, bytes)
 *     .addCallbackDeferring(stored -> client.get("user:42"))
 *     .addCallback(hit -> hit.map(Value::data).orElse(null));
 * }</pre>
 *
 * <h2>Results</h2>
 * Each call's Deferred carries the reply's information in the most direct Java type: an enum
 * where the server has several answers ({@link StoreResult}, {@link DeleteResult}, {@link
 * TouchResult}), {@link Optional} where an item may be missing, a {@code Map} for several items,
 * {@code String} for the version, {@code Void} for commands that only acknowledge. A miss is never
 * {@code null}.
 *
 * <h2>Failures</h2>
 * Every problem arrives through the Deferred; no method throws:
 * <ul>
 *   <li>{@link IllegalArgumentException}: the request was refused before anything was sent (a key
 *       longer than 250 bytes or with a space or control character, a value above the client's
 *       {@link MemcacheLimits#maxValueLength()}, too many keys for one get);
 *   <li>{@link MemcacheErrorException} (its subclasses {@link MemcacheClientErrorException},
 *       {@link MemcacheServerErrorException}, {@link MemcacheNoSuchCommandException}): the server
 *       answered with an error line; the connection is fine;
 *   <li>{@link java.util.concurrent.TimeoutException}, {@link MemcacheProtocolException}, {@link
 *       org.braid.reactor.ConnectionClosed}: the connection failed or was dropped (see {@link
 *       MemcacheClientProtocol} for when each happens).
 * </ul>
 *
 * <p>Parameters are non-null; values are shared, not copied (see the package documentation).
 * Reactor thread only.
 */
public interface MemcacheClient {

  /**
   * Sends one request and returns the server's reply. The typed methods below are built on it.
   *
   * @param request any request that gets a reply (not noreply, not quit)
   * @return the reply; fails with a {@link MemcacheErrorException} when the server answered with
   *     an error line
   */
  Deferred<MemcacheReply> send(MemcacheRequest request);

  // --- retrieval ---------------------------------------------------------------------------------

  /**
   * get of one key.
   *
   * @param key the key
   * @return the item (its {@link Value#cas()} empty), or empty on a miss
   */
  default Deferred<Optional<Value>> get(String key) {
    return retrieve(() -> MemcacheRequest.get(key), result -> result.find(key));
  }

  /**
   * gets of one key: the item with its cas unique, for a later {@link #cas}.
   *
   * @param key the key
   * @return the item (its {@link Value#cas()} present), or empty on a miss
   */
  default Deferred<Optional<Value>> gets(String key) {
    return retrieve(() -> MemcacheRequest.gets(key), result -> result.find(key));
  }

  /**
   * get of several keys in one request. An empty collection gives an empty map without a request.
   *
   * @param keys the keys; a key named twice is asked for once
   * @return the items found, by key, in the server's order; missing keys are absent
   */
  default Deferred<Map<String, Value>> getAll(Collection<String> keys) {
    return retrieveAll(keys, false);
  }

  /**
   * gets of several keys in one request: the items with their cas uniques.
   *
   * @param keys the keys; a key named twice is asked for once
   * @return the items found, by key, in the server's order; missing keys are absent
   */
  default Deferred<Map<String, Value>> getsAll(Collection<String> keys) {
    return retrieveAll(keys, true);
  }

  // --- storage -----------------------------------------------------------------------------------

  /**
   * set with flags 0, never expiring.
   *
   * @param key the key
   * @param data the value
   * @return {@link StoreResult#STORED}
   */
  default Deferred<StoreResult> set(String key, byte[] data) {
    return set(key, 0, 0, data);
  }

  /**
   * set: store unconditionally.
   *
   * @param key the key
   * @param flags 32 opaque bits stored with the item
   * @param exptime 0 for never; up to 2,592,000 (30 days) seconds from now; above, a Unix time;
   *     negative, expired at once
   * @param data the value
   * @return {@link StoreResult#STORED}
   */
  default Deferred<StoreResult> set(String key, int flags, int exptime, byte[] data) {
    return store(() -> MemcacheRequest.set(key, flags, exptime, data));
  }

  /**
   * add with flags 0, never expiring.
   *
   * @param key the key
   * @param data the value
   * @return STORED, or NOT_STORED when the key exists
   */
  default Deferred<StoreResult> add(String key, byte[] data) {
    return add(key, 0, 0, data);
  }

  /**
   * add: store only if the key does not exist.
   *
   * @param key the key
   * @param flags 32 opaque bits stored with the item
   * @param exptime when the item expires, as for {@link #set(String, int, int, byte[])}
   * @param data the value
   * @return STORED, or NOT_STORED when the key exists
   */
  default Deferred<StoreResult> add(String key, int flags, int exptime, byte[] data) {
    return store(() -> MemcacheRequest.add(key, flags, exptime, data));
  }

  /**
   * replace with flags 0, never expiring.
   *
   * @param key the key
   * @param data the value
   * @return STORED, or NOT_STORED when the key does not exist
   */
  default Deferred<StoreResult> replace(String key, byte[] data) {
    return replace(key, 0, 0, data);
  }

  /**
   * replace: store only if the key exists.
   *
   * @param key the key
   * @param flags 32 opaque bits stored with the item
   * @param exptime when the item expires, as for {@link #set(String, int, int, byte[])}
   * @param data the value
   * @return STORED, or NOT_STORED when the key does not exist
   */
  default Deferred<StoreResult> replace(String key, int flags, int exptime, byte[] data) {
    return store(() -> MemcacheRequest.replace(key, flags, exptime, data));
  }

  /**
   * append: add data after an existing item's data (its flags and expiration stay).
   *
   * @param key the key
   * @param data the data to add
   * @return STORED, or NOT_STORED when the key does not exist
   */
  default Deferred<StoreResult> append(String key, byte[] data) {
    return store(() -> MemcacheRequest.append(key, data));
  }

  /**
   * prepend: add data before an existing item's data (its flags and expiration stay).
   *
   * @param key the key
   * @param data the data to add
   * @return STORED, or NOT_STORED when the key does not exist
   */
  default Deferred<StoreResult> prepend(String key, byte[] data) {
    return store(() -> MemcacheRequest.prepend(key, data));
  }

  /**
   * cas with flags 0, never expiring.
   *
   * @param key the key
   * @param data the value
   * @param casUnique the unique that {@link #gets} returned
   * @return STORED; EXISTS when the item changed since; NOT_FOUND when it is gone
   */
  default Deferred<StoreResult> cas(String key, byte[] data, long casUnique) {
    return cas(key, 0, 0, data, casUnique);
  }

  /**
   * cas ("check and set"): store only if the item's cas unique is still {@code casUnique}.
   *
   * @param key the key
   * @param flags 32 opaque bits stored with the item
   * @param exptime when the item expires, as for {@link #set(String, int, int, byte[])}
   * @param data the value
   * @param casUnique the unique that {@link #gets} returned
   * @return STORED; EXISTS when the item changed since; NOT_FOUND when it is gone
   */
  default Deferred<StoreResult> cas(
      String key, int flags, int exptime, byte[] data, long casUnique) {
    return store(() -> MemcacheRequest.cas(key, flags, exptime, data, casUnique));
  }

  // --- other commands ----------------------------------------------------------------------------

  /**
   * delete.
   *
   * @param key the key
   * @return DELETED, or NOT_FOUND
   */
  default Deferred<DeleteResult> delete(String key) {
    return typed(() -> MemcacheRequest.delete(key), DeleteResult.class);
  }

  /**
   * incr: add to a decimal counter, wrapping at 2^64.
   *
   * @param key the key
   * @param delta the unsigned amount
   * @return the new value, or {@link CounterResult#NOT_FOUND}; fails with {@link
   *     MemcacheClientErrorException} when the item is not a number
   */
  default Deferred<CounterResult> incr(String key, long delta) {
    return typed(() -> MemcacheRequest.incr(key, delta), CounterResult.class);
  }

  /**
   * decr: subtract from a decimal counter, stopping at 0.
   *
   * @param key the key
   * @param delta the unsigned amount
   * @return the new value, or {@link CounterResult#NOT_FOUND}; fails with {@link
   *     MemcacheClientErrorException} when the item is not a number
   */
  default Deferred<CounterResult> decr(String key, long delta) {
    return typed(() -> MemcacheRequest.decr(key, delta), CounterResult.class);
  }

  /**
   * touch: give an existing item a new expiration time.
   *
   * @param key the key
   * @param exptime the new expiration time, as for {@link #set(String, int, int, byte[])}
   * @return TOUCHED, or NOT_FOUND
   */
  default Deferred<TouchResult> touch(String key, int exptime) {
    return typed(() -> MemcacheRequest.touch(key, exptime), TouchResult.class);
  }

  /**
   * stats: the server's general statistics.
   *
   * @return the statistics in the server's order
   */
  default Deferred<StatsResult> stats() {
    return typed(MemcacheRequest::stats, StatsResult.class);
  }

  /**
   * stats with arguments, such as {@code items} (see {@link MemcacheRequest.Stats} for which are
   * understood).
   *
   * @param arguments the words after "stats"
   * @return the statistics; fails with {@link MemcacheNoSuchCommandException} when the server
   *     does not know the arguments
   */
  default Deferred<StatsResult> stats(String... arguments) {
    return typed(() -> MemcacheRequest.stats(arguments), StatsResult.class);
  }

  /**
   * version.
   *
   * @return the server's version string, e.g. {@code "1.6.18"}
   */
  default Deferred<String> version() {
    return typed(MemcacheRequest::version, VersionResult.class).addCallback(VersionResult::version);
  }

  /**
   * flush_all now: invalidate every item.
   *
   * @return fires with {@code null} once the server acknowledged
   */
  default Deferred<Void> flushAll() {
    return flushAll(0);
  }

  /**
   * flush_all after a delay.
   *
   * @param delay 0 for now; else seconds from now up to 30 days, or a Unix time
   * @return fires with {@code null} once the server acknowledged
   */
  default Deferred<Void> flushAll(int delay) {
    return typed(() -> MemcacheRequest.flushAll(delay), OkReply.class).addCallback(ok -> null);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private Deferred<Optional<Value>> retrieve(
      Supplier<MemcacheRequest> request, Function<GetResult, Optional<Value>> pick) {
    return typed(request, GetResult.class).addCallback(pick::apply);
  }

  private Deferred<Map<String, Value>> retrieveAll(Collection<String> keys, boolean withCas) {
    List<String> distinct;
    try {
      distinct = List.copyOf(new java.util.LinkedHashSet<>(keys));
    } catch (NullPointerException e) {
      return Deferred.fail(new IllegalArgumentException("keys must not be null or hold null", e));
    }
    if (distinct.isEmpty()) {
      return Deferred.succeed(Map.of());
    }
    return typed(() -> new MemcacheRequest.Get(distinct, withCas), GetResult.class)
        .addCallback(GetResult::asMap);
  }

  private Deferred<StoreResult> store(Supplier<MemcacheRequest> request) {
    return typed(request, StoreResult.class);
  }

  /**
   * Builds the request (a bad argument becomes a failed Deferred, as every other problem does),
   * sends it and narrows the reply to the type the request gets.
   */
  private <R extends MemcacheReply> Deferred<R> typed(
      Supplier<MemcacheRequest> request, Class<R> replyType) {
    MemcacheRequest built;
    try {
      built = request.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      return Deferred.fail(e instanceof NullPointerException
          ? new IllegalArgumentException("argument must not be null: " + e.getMessage(), e)
          : e);
    }
    return send(built).addCallback(replyType::cast);
  }
}
