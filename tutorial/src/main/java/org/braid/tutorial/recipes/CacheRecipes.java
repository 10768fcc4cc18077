package org.braid.tutorial.recipes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClient;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.reactor.ClientEndpoint;

/**
 * Six cache operations that are easy to write for the happy path and hard to get right at the
 * edges. {@link CallbackRecipes} and {@link InlineRecipes} implement each one with the same
 * signature; one shared test per operation runs against both.
 *
 * <p>Every failure arrives through the returned Deferred (no method throws). Reactor thread only.
 */
public interface CacheRecipes {

  /**
   * Names the style, for reports and test names.
   *
   * @return {@code "callback"} or {@code "inline"}
   */
  String style();

  /**
   * Cache-aside read: returns the cached value; on a miss loads it and adds it. When someone else
   * adds the key between our get and our add, our add is refused ({@code NOT_STORED}) and their
   * value wins: it is read again and returned.
   *
   * @param cache the cache
   * @param key the key
   * @param load produces the value on a miss (a Deferred, e.g. a database query)
   * @return the value and where it came from
   */
  Deferred<Lookup> getOrLoad(MemcacheClient cache, String key, Callable<Deferred<String>> load);

  /**
   * Deletes a key.
   *
   * @param cache the cache
   * @param key the key
   * @return whether it was there
   */
  Deferred<Boolean> evict(MemcacheClient cache, String key);

  /**
   * Connects to a memcache server, checking the connection with {@code version}, and retries with
   * back-off when an attempt fails (refused, closed at once, no answer). Cancelling the returned
   * Deferred stops the attempt or the wait in progress and makes no further attempt.
   *
   * @param endpoint where to connect
   * @param plan the back-off and the number of attempts
   * @return the connected client; fails with {@link GaveUpConnectingException} naming the attempts
   *     and the time spent when the last attempt failed
   */
  Deferred<MemcacheClientProtocol> connectWithRetry(ClientEndpoint endpoint, RetryPlan plan);

  /**
   * Takes a lock on {@code key}: {@code add("lock:" + key, owner, ttl)} succeeds only when nobody
   * holds it. While someone does, retries with the plan's back-off (with jitter), until its tries
   * or its deadline run out.
   *
   * @param cache the cache
   * @param key the protected key
   * @param owner who we are; stored as the lock's value
   * @param plan lifetime, tries, deadline and back-off
   * @return the held lock; fails with {@link LockHeldException} saying who holds it and how long
   *     we waited
   */
  Deferred<HeldLock> acquireLock(MemcacheClient cache, String key, String owner, LockPlan plan);

  /**
   * Gives a lock back, but only if we still hold it: if it expired and someone else took it, their
   * lock stays. {@code gets} reads the holder and the item's cas unique; a {@code cas} with an
   * expiry in the past deletes the item only if nobody changed it since.
   *
   * @param cache the cache
   * @param lock what {@link #acquireLock} returned
   * @return true if our lock was released; false if it was no longer ours (expired, or taken)
   */
  Deferred<Boolean> releaseLock(MemcacheClient cache, HeldLock lock);

  /**
   * Stores a value on several servers at once, each request bounded by the plan's timeout; when
   * only some store it, repairs or compensates as the plan says and reports where the value is.
   *
   * @param replicas the servers
   * @param key the key
   * @param value the value
   * @param plan the per-request timeout and the policy for a partial write
   * @return where the value ended up (never a failure: a failed server is part of the outcome)
   */
  Deferred<WriteOutcome> storeEverywhere(
      List<Replica> replicas, String key, String value, WritePlan plan);

  /**
   * Opens a connection, reads one key and closes the connection, whatever happens: when the read
   * fails, times out ({@code addTimeout} on the returned Deferred) or is cancelled, the connection
   * is closed too and no request is left waiting.
   *
   * @param endpoint where to connect
   * @param key the key
   * @return the value, or empty on a miss
   */
  Deferred<Optional<String>> getOnce(ClientEndpoint endpoint, String key);

  /**
   * Reads many keys, one get each, with at most {@code maxInFlight} requests outstanding at a time
   * (a bound on what one caller may ask of a shared server).
   *
   * @param cache the cache
   * @param keys the keys
   * @param maxInFlight the most requests out at once; at least 1
   * @return the values found, in the order of {@code keys}; missing keys are absent; fails with the
   *     first get's failure
   */
  Deferred<Map<String, String>> fetchMany(MemcacheClient cache, List<String> keys, int maxInFlight);
}
