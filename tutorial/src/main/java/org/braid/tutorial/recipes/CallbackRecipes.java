package org.braid.tutorial.recipes;

import static org.braid.tutorial.recipes.Texts.bytes;
import static org.braid.tutorial.recipes.Texts.reason;
import static org.braid.tutorial.recipes.Texts.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.DeferredList;
import org.braid.deferred.DeferredSemaphore;
import org.braid.deferred.FirstErrorException;
import org.braid.protocols.memcache.DeleteResult;
import org.braid.protocols.memcache.MemcacheClient;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.StoreResult;
import org.braid.protocols.memcache.Value;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ReactorTime;
import org.braid.tutorial.recipes.Lookup.Source;

/**
 * The recipes in callback style: each step's continuation is a callback on the previous step's
 * Deferred. A loop (retry, lock) becomes a method that calls itself from a callback; state that
 * several callbacks share (the step in progress, the connection to close) lives in small arrays
 * captured by the lambdas.
 *
 * <p>Reactor thread only.
 */
public final class CallbackRecipes implements CacheRecipes {
  private final ReactorTime clock;
  private final Duration requestTimeout;

  /**
   * Creates the recipes. Any thread.
   *
   * @param clock the reactor (or a manual clock in tests): back-off, timeouts, elapsed time
   * @param requestTimeout the request timeout of the connections the recipes open
   */
  public CallbackRecipes(ReactorTime clock, Duration requestTimeout) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  @Override
  public String style() {
    return "callback";
  }

  // --- (1) cache-aside ---------------------------------------------------------------------------

  // tag::cache-aside-callback[]
  @Override
  public Deferred<Lookup> getOrLoad(
      MemcacheClient cache, String key, Callable<Deferred<String>> load) {
    return cache
        .get(key)
        .addCallbackDeferring(
            hit -> {
              if (hit.isPresent()) {
                return Deferred.succeed(new Lookup(text(hit.get()), Source.HIT));
              }
              return Deferred.<String>maybeDeferredDeferring(load)
                  .addCallbackDeferring(
                      loaded ->
                          cache
                              .add(key, bytes(loaded))
                              .addCallbackDeferring(
                                  stored -> {
                                    if (stored == StoreResult.STORED) {
                                      return Deferred.succeed(new Lookup(loaded, Source.ADDED));
                                    }
                                    // Someone added it after our get: theirs wins.
                                    return cache
                                        .get(key)
                                        .addCallback(
                                            theirs ->
                                                theirs
                                                    .map(v -> new Lookup(text(v), Source.LOST_RACE))
                                                    .orElseGet(
                                                        () -> new Lookup(loaded, Source.NOT_CACHED)));
                                  }));
            });
  }

  @Override
  public Deferred<Boolean> evict(MemcacheClient cache, String key) {
    return cache.delete(key).addCallback(DeleteResult::deleted);
  }
  // end::cache-aside-callback[]

  // --- (2) reconnect -----------------------------------------------------------------------------

  // tag::reconnect-callback[]
  @Override
  public Deferred<MemcacheClientProtocol> connectWithRetry(ClientEndpoint endpoint, RetryPlan plan) {
    Duration started = clock.now();
    Deferred<?>[] step = new Deferred<?>[1]; // the attempt or the pause in progress, to cancel
    Deferred<MemcacheClientProtocol> result = new Deferred<>(cancelled -> step[0].cancel());
    attemptConnect(endpoint, plan, 1, started, step, result);
    return result;
  }

  private void attemptConnect(
      ClientEndpoint endpoint,
      RetryPlan plan,
      int attempt,
      Duration started,
      Deferred<?>[] step,
      Deferred<MemcacheClientProtocol> result) {
    Deferred<MemcacheClientProtocol> connected = connectChecked(endpoint);
    step[0] = connected;
    connected.addCallbacks(
        client -> {
          result.callback(client);
          return null;
        },
        failure -> {
          if (failure.check(CancelledException.class) != null) {
            result.errback(failure);
          } else if (attempt == plan.maxAttempts()) {
            result.errback(
                new GaveUpConnectingException(
                    endpoint.toString(), attempt, clock.now().minus(started), failure.value()));
          } else {
            Deferred<Void> pause = clock.sleep(plan.backoff().delay(attempt));
            step[0] = pause;
            pause.addCallbacks(
                ignored -> {
                  attemptConnect(endpoint, plan, attempt + 1, started, step, result);
                  return null;
                },
                cancelled -> {
                  result.errback(cancelled);
                  return null;
                });
          }
          return null;
        });
  }

  /** One attempt: connect, then ask the version, so that a server that closes at once fails it. */
  private Deferred<MemcacheClientProtocol> connectChecked(ClientEndpoint endpoint) {
    return endpoint
        .connect(() -> new MemcacheClientProtocol(clock, requestTimeout))
        .addCallbackDeferring(
            client ->
                client
                    .version()
                    .addCallback(version -> client)
                    .addErrback(
                        failure -> {
                          client.transport().abortConnection();
                          throw failure.raiseException();
                        }));
  }
  // end::reconnect-callback[]

  // --- (3) lock ----------------------------------------------------------------------------------

  // tag::lock-callback[]
  @Override
  public Deferred<HeldLock> acquireLock(
      MemcacheClient cache, String key, String owner, LockPlan plan) {
    Duration started = clock.now();
    Deferred<?>[] step = new Deferred<?>[1]; // the add, the pause or the read in progress
    Deferred<HeldLock> result = new Deferred<>(cancelled -> step[0].cancel());
    tryLock(cache, key, owner, plan, 1, started, step, result);
    return result;
  }

  private void tryLock(
      MemcacheClient cache,
      String key,
      String owner,
      LockPlan plan,
      int attempt,
      Duration started,
      Deferred<?>[] step,
      Deferred<HeldLock> result) {
    Deferred<StoreResult> added =
        cache.add(HeldLock.lockKey(key), 0, plan.ttlSeconds(), bytes(owner));
    step[0] = added;
    added.addCallbacks(
        stored -> {
          Duration waited = clock.now().minus(started);
          if (stored == StoreResult.STORED) {
            result.callback(new HeldLock(key, owner, attempt, waited));
            return null;
          }
          Duration pause = plan.backoff().delay(attempt);
          if (attempt < plan.maxTries() && waited.plus(pause).compareTo(plan.deadline()) <= 0) {
            Deferred<Void> sleep = clock.sleep(pause);
            step[0] = sleep;
            sleep.addCallbacks(
                ignored -> {
                  tryLock(cache, key, owner, plan, attempt + 1, started, step, result);
                  return null;
                },
                cancelled -> {
                  result.errback(cancelled);
                  return null;
                });
            return null;
          }
          Deferred<Optional<Value>> holder = cache.get(HeldLock.lockKey(key));
          step[0] = holder;
          holder.addCallbacks(
              held -> {
                result.errback(
                    new LockHeldException(key, held.map(Texts::text).orElse(null), attempt, waited));
                return null;
              },
              failure -> {
                result.errback(failure);
                return null;
              });
          return null;
        },
        failure -> {
          result.errback(failure);
          return null;
        });
  }

  @Override
  public Deferred<Boolean> releaseLock(MemcacheClient cache, HeldLock lock) {
    return cache
        .gets(lock.lockKey())
        .addCallbackDeferring(
            current -> {
              if (current.isEmpty() || !text(current.get()).equals(lock.owner())) {
                return Deferred.succeed(false); // expired; perhaps someone else's by now
              }
              // An expiry in the past deletes it, but only if unchanged since our gets.
              long unique = current.get().cas().orElseThrow();
              return cache
                  .cas(lock.lockKey(), 0, -1, bytes(lock.owner()), unique)
                  .addCallback(StoreResult::stored);
            });
  }
  // end::lock-callback[]

  // --- (4) partial write -------------------------------------------------------------------------

  // tag::partial-write-callback[]
  @Override
  public Deferred<WriteOutcome> storeEverywhere(
      List<Replica> replicas, String key, String value, WritePlan plan) {
    return setOnEach(replicas, key, value, plan)
        .addCallbackDeferring(
            firstRound -> {
              List<Replica> failed = new ArrayList<>();
              List<Replica> applied = new ArrayList<>();
              for (Replica r : replicas) {
                (firstRound.containsKey(r.name()) ? failed : applied).add(r);
              }
              if (failed.isEmpty() || applied.isEmpty()
                  || plan.onPartialWrite() == OnPartialWrite.REPORT) {
                return Deferred.succeed(outcome(key, replicas, firstRound, List.of()));
              }
              if (plan.onPartialWrite() == OnPartialWrite.RETRY_FAILED) {
                return setOnEach(failed, key, value, plan)
                    .addCallback(
                        retry -> {
                          List<String> actions = new ArrayList<>();
                          for (Replica r : failed) {
                            actions.add("retry " + r.name() + ": "
                                + (retry.containsKey(r.name()) ? retry.get(r.name()) : "STORED"));
                          }
                          return outcome(key, replicas, retry, actions);
                        });
              }
              return deleteOnEach(applied, key, plan)
                  .addCallback(
                      undo -> {
                        Map<String, String> missing = new LinkedHashMap<>(firstRound);
                        List<String> actions = new ArrayList<>();
                        for (Replica r : applied) {
                          String error = undo.get(r.name());
                          actions.add("undo " + r.name() + ": " + (error == null ? "DELETED" : error));
                          if (error == null) {
                            missing.put(r.name(), "undone: deleted after the partial write");
                          }
                        }
                        return outcome(key, replicas, missing, actions);
                      });
            });
  }

  /** Sets on each replica at once; fires with the failed ones' reasons, by name. */
  private Deferred<Map<String, String>> setOnEach(
      List<Replica> replicas, String key, String value, WritePlan plan) {
    List<Deferred<StoreResult>> writes = new ArrayList<>();
    for (Replica r : replicas) {
      writes.add(r.client().set(key, bytes(value)).addTimeout(plan.perRequestTimeout(), clock));
    }
    return DeferredList.of(writes, true).addCallback(outcomes -> failures(replicas, outcomes));
  }

  /** Deletes on each replica at once; fires with the failed ones' reasons, by name. */
  private Deferred<Map<String, String>> deleteOnEach(
      List<Replica> replicas, String key, WritePlan plan) {
    List<Deferred<DeleteResult>> deletes = new ArrayList<>();
    for (Replica r : replicas) {
      deletes.add(r.client().delete(key).addTimeout(plan.perRequestTimeout(), clock));
    }
    return DeferredList.of(deletes, true).addCallback(outcomes -> failures(replicas, outcomes));
  }

  private static <T> Map<String, String> failures(
      List<Replica> replicas, List<DeferredList.Outcome<T>> outcomes) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      if (!outcomes.get(i).succeeded()) {
        failed.put(replicas.get(i).name(), reason(outcomes.get(i).failure().value()));
      }
    }
    return failed;
  }
  // end::partial-write-callback[]

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

  // tag::timeout-callback[]
  @Override
  public Deferred<Optional<String>> getOnce(ClientEndpoint endpoint, String key) {
    MemcacheClientProtocol[] opened = new MemcacheClientProtocol[1];
    return endpoint
        .connect(() -> new MemcacheClientProtocol(clock, requestTimeout))
        .addCallbackDeferring(
            client -> {
              opened[0] = client;
              return client.get(key);
            })
        .addCallback(hit -> hit.map(Texts::text))
        .addBoth(
            (value, failure) -> {
              if (opened[0] != null) {
                opened[0].transport().loseConnection();
              }
              if (failure != null) {
                throw failure.raiseException();
              }
              return value;
            });
  }
  // end::timeout-callback[]

  // --- (6) batching ------------------------------------------------------------------------------

  // tag::batch-callback[]
  @Override
  public Deferred<Map<String, String>> fetchMany(
      MemcacheClient cache, List<String> keys, int maxInFlight) {
    if (maxInFlight < 1) {
      return Deferred.fail(new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight));
    }
    DeferredSemaphore slots = new DeferredSemaphore(maxInFlight);
    List<Deferred<Optional<Value>>> gets = new ArrayList<>();
    for (String key : keys) {
      gets.add(slots.runDeferring(() -> cache.get(key)));
    }
    return Deferred.gatherResults(gets, true)
        .addCallback(
            values -> {
              Map<String, String> found = new LinkedHashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                values.get(i).ifPresent(v -> found.put(k, text(v)));
              }
              return found;
            })
        .addErrback(
            failure -> {
              failure.trap(FirstErrorException.class); // unwrap: report the get's own failure
              throw ((FirstErrorException) failure.value()).subFailure().raiseException();
            });
  }
  // end::batch-callback[]
}
