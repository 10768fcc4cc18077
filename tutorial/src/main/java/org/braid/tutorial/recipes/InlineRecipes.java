package org.braid.tutorial.recipes;

import static org.braid.inline.Inline.await;
import static org.braid.inline.Inline.awaitAll;
import static org.braid.tutorial.recipes.Texts.bytes;
import static org.braid.tutorial.recipes.Texts.reason;
import static org.braid.tutorial.recipes.Texts.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.protocols.memcache.DeleteResult;
import org.braid.protocols.memcache.MemcacheClient;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.StoreResult;
import org.braid.protocols.memcache.Value;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ReactorTime;
import org.braid.tutorial.recipes.Lookup.Source;

/**
 * The recipes in inline style: each body is straight-line code in {@link Inline#run} that {@link
 * Inline#await awaits} each step. Loops are loops, cleanup is {@code finally}, failures are caught
 * by their own types.
 *
 * <p>Reactor thread only (a body runs on a virtual thread, but only while the reactor thread waits
 * for it).
 */
public final class InlineRecipes implements CacheRecipes {
  private final ReactorTime clock;
  private final Duration requestTimeout;

  /**
   * Creates the recipes. Any thread.
   *
   * @param clock the reactor (or a manual clock in tests): back-off, timeouts, elapsed time
   * @param requestTimeout the request timeout of the connections the recipes open
   */
  public InlineRecipes(ReactorTime clock, Duration requestTimeout) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  @Override
  public String style() {
    return "inline";
  }

  // --- (1) cache-aside ---------------------------------------------------------------------------

  // tag::cache-aside-inline[]
  @Override
  public Deferred<Lookup> getOrLoad(
      MemcacheClient cache, String key, Callable<Deferred<String>> load) {
    return Inline.run(
        () -> {
          Optional<Value> hit = await(cache.get(key));
          if (hit.isPresent()) {
            return new Lookup(text(hit.get()), Source.HIT);
          }
          String loaded = await(load.call());
          if (await(cache.add(key, bytes(loaded))) == StoreResult.STORED) {
            return new Lookup(loaded, Source.ADDED);
          }
          // Someone added it after our get: theirs wins.
          Optional<Value> theirs = await(cache.get(key));
          return theirs
              .map(v -> new Lookup(text(v), Source.LOST_RACE))
              .orElseGet(() -> new Lookup(loaded, Source.NOT_CACHED));
        });
  }

  @Override
  public Deferred<Boolean> evict(MemcacheClient cache, String key) {
    return Inline.run(() -> await(cache.delete(key)).deleted());
  }
  // end::cache-aside-inline[]

  // --- (2) reconnect -----------------------------------------------------------------------------

  // tag::reconnect-inline[]
  @Override
  public Deferred<MemcacheClientProtocol> connectWithRetry(ClientEndpoint endpoint, RetryPlan plan) {
    return Inline.run(
        () -> {
          Duration started = clock.now();
          for (int attempt = 1; ; attempt++) {
            MemcacheClientProtocol client = null;
            try {
              client = await(endpoint.connect(() -> new MemcacheClientProtocol(clock, requestTimeout)));
              await(client.version()); // a server that closes at once fails here
              return client;
            } catch (Exception e) {
              if (client != null) {
                client.transport().abortConnection();
              }
              if (e instanceof CancelledException) {
                throw e;
              }
              if (attempt == plan.maxAttempts()) {
                throw new GaveUpConnectingException(
                    endpoint.toString(), attempt, clock.now().minus(started), e);
              }
            }
            await(clock.sleep(plan.backoff().delay(attempt)));
          }
        });
  }
  // end::reconnect-inline[]

  // --- (3) lock ----------------------------------------------------------------------------------

  // tag::lock-inline[]
  @Override
  public Deferred<HeldLock> acquireLock(
      MemcacheClient cache, String key, String owner, LockPlan plan) {
    return Inline.run(
        () -> {
          Duration started = clock.now();
          for (int attempt = 1; ; attempt++) {
            StoreResult stored =
                await(cache.add(HeldLock.lockKey(key), 0, plan.ttlSeconds(), bytes(owner)));
            Duration waited = clock.now().minus(started);
            if (stored == StoreResult.STORED) {
              return new HeldLock(key, owner, attempt, waited);
            }
            Duration pause = plan.backoff().delay(attempt);
            if (attempt == plan.maxTries() || waited.plus(pause).compareTo(plan.deadline()) > 0) {
              Optional<Value> holder = await(cache.get(HeldLock.lockKey(key)));
              throw new LockHeldException(key, holder.map(Texts::text).orElse(null), attempt, waited);
            }
            await(clock.sleep(pause));
          }
        });
  }

  @Override
  public Deferred<Boolean> releaseLock(MemcacheClient cache, HeldLock lock) {
    return Inline.run(
        () -> {
          Optional<Value> current = await(cache.gets(lock.lockKey()));
          if (current.isEmpty() || !text(current.get()).equals(lock.owner())) {
            return false; // expired; perhaps someone else's by now
          }
          // An expiry in the past deletes it, but only if unchanged since our gets.
          long unique = current.get().cas().orElseThrow();
          return await(cache.cas(lock.lockKey(), 0, -1, bytes(lock.owner()), unique)).stored();
        });
  }
  // end::lock-inline[]

  // --- (4) partial write -------------------------------------------------------------------------

  // tag::partial-write-inline[]
  @Override
  public Deferred<WriteOutcome> storeEverywhere(
      List<Replica> replicas, String key, String value, WritePlan plan) {
    return Inline.run(
        () -> {
          Map<String, String> missing = setOnEach(replicas, key, value, plan);
          List<String> actions = new ArrayList<>();
          List<Replica> applied = replicas.stream().filter(r -> !missing.containsKey(r.name())).toList();
          List<Replica> failed = replicas.stream().filter(r -> missing.containsKey(r.name())).toList();
          if (failed.isEmpty() || applied.isEmpty()) {
            return outcome(key, replicas, missing, actions);
          }
          switch (plan.onPartialWrite()) {
            case REPORT -> { }
            case RETRY_FAILED -> {
              Map<String, String> retry = setOnEach(failed, key, value, plan);
              for (Replica r : failed) {
                actions.add("retry " + r.name() + ": " + retry.getOrDefault(r.name(), "STORED"));
              }
              missing.clear();
              missing.putAll(retry);
            }
            case UNDO_APPLIED -> {
              Map<String, String> undo = deleteOnEach(applied, key, plan);
              for (Replica r : applied) {
                String error = undo.get(r.name());
                actions.add("undo " + r.name() + ": " + (error == null ? "DELETED" : error));
                if (error == null) {
                  missing.put(r.name(), "undone: deleted after the partial write");
                }
              }
            }
          }
          return outcome(key, replicas, missing, actions);
        });
  }

  /** Sets on each replica at once, then waits for each; returns the failed ones' reasons. */
  private Map<String, String> setOnEach(
      List<Replica> replicas, String key, String value, WritePlan plan) throws Exception {
    List<Deferred<StoreResult>> writes = new ArrayList<>();
    for (Replica r : replicas) {
      writes.add(r.client().set(key, bytes(value)).addTimeout(plan.perRequestTimeout(), clock));
    }
    return failures(replicas, writes);
  }

  /** Deletes on each replica at once, then waits for each; returns the failed ones' reasons. */
  private Map<String, String> deleteOnEach(List<Replica> replicas, String key, WritePlan plan)
      throws Exception {
    List<Deferred<DeleteResult>> deletes = new ArrayList<>();
    for (Replica r : replicas) {
      deletes.add(r.client().delete(key).addTimeout(plan.perRequestTimeout(), clock));
    }
    return failures(replicas, deletes);
  }

  private static Map<String, String> failures(
      List<Replica> replicas, List<? extends Deferred<?>> requests) throws Exception {
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      try {
        await(requests.get(i));
      } catch (CancelledException e) {
        throw e; // the whole write was cancelled: stop here
      } catch (Exception e) {
        failed.put(replicas.get(i).name(), reason(e));
      }
    }
    return failed;
  }
  // end::partial-write-inline[]

  private static WriteOutcome outcome(
      String key, List<Replica> replicas, Map<String, String> missing, List<String> actions) {
    List<String> applied = new ArrayList<>();
    for (Replica r : replicas) {
      if (!missing.containsKey(r.name())) {
        applied.add(r.name());
      }
    }
    return new WriteOutcome(key, applied, missing, actions);
  }

  // --- (5) timeout and cancellation --------------------------------------------------------------

  // tag::timeout-inline[]
  @Override
  public Deferred<Optional<String>> getOnce(ClientEndpoint endpoint, String key) {
    return Inline.run(
        () -> {
          MemcacheClientProtocol client =
              await(endpoint.connect(() -> new MemcacheClientProtocol(clock, requestTimeout)));
          try {
            return await(client.get(key)).map(Texts::text);
          } finally {
            client.transport().loseConnection();
          }
        });
  }
  // end::timeout-inline[]

  // --- (6) batching ------------------------------------------------------------------------------

  // tag::batch-inline[]
  @Override
  public Deferred<Map<String, String>> fetchMany(
      MemcacheClient cache, List<String> keys, int maxInFlight) {
    if (maxInFlight < 1) {
      return Deferred.fail(new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight));
    }
    return Inline.run(
        () -> {
          // maxInFlight workers share one iterator: each loops get-by-get, so at most
          // maxInFlight gets are out. One logical thread: the iterator needs no lock.
          Iterator<String> next = keys.iterator();
          Map<String, String> found = new HashMap<>();
          List<Deferred<Void>> workers = new ArrayList<>();
          for (int w = 0; w < maxInFlight; w++) {
            workers.add(
                Inline.run(
                    () -> {
                      while (next.hasNext()) {
                        String key = next.next();
                        await(cache.get(key)).ifPresent(v -> found.put(key, text(v)));
                      }
                      return null;
                    }));
          }
          awaitAll(workers);
          Map<String, String> ordered = new LinkedHashMap<>();
          for (String key : keys) {
            if (found.containsKey(key)) {
              ordered.put(key, found.get(key));
            }
          }
          return ordered;
        });
  }
  // end::batch-inline[]
}
