package org.braid.tutorial.live;

import static org.braid.inline.Inline.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.tutorial.measure.LatencyFacts;
import org.braid.tutorial.measure.StackFacts;
import org.braid.tutorial.recipes.CacheRecipes;
import org.braid.tutorial.recipes.HeldLock;
import org.braid.tutorial.recipes.LockPlan;
import org.braid.tutorial.recipes.OnPartialWrite;
import org.braid.tutorial.recipes.Replica;
import org.braid.tutorial.recipes.RetryPlan;
import org.braid.tutorial.recipes.WritePlan;

/**
 * The measured half of the comparison: each style on the same workload against the embedded
 * servers (latency, throughput), and the trace each style produces for the same failure.
 *
 * <p>Workloads (the happy path of each operation, one operation at a time so that latency is the
 * operation's own): cache-aside reads of 64 hot keys; a connect (with its version check) and
 * close; an uncontended lock and release; a write to three servers; a one-shot read on a new
 * connection; a batch of 100 reads, 8 in flight.
 *
 * <p>Reactor thread only. Uses servers 0, 1 and 2 of the {@link LiveCache}.
 */
public final class Measurements {
  private static final BackoffPolicy NO_WAIT = BackoffPolicy.constant(Duration.ZERO);

  private final LiveCache live;

  /**
   * Creates the measurements.
   *
   * @param live the running servers (at least three)
   */
  public Measurements(LiveCache live) {
    this.live = live;
  }

  /**
   * How many operations one timed run makes: {@code iterations}, or a twentieth of it for the batch
   * (each batch is 100 reads).
   *
   * @param op the operation
   * @param iterations the base count
   * @return the count for this operation
   */
  public static int iterationsFor(Operation op, int iterations) {
    return op == Operation.BATCH ? Math.max(1, iterations / 20) : iterations;
  }

  /**
   * Times {@code iterations} operations of one style, after a warm-up of a tenth as many.
   *
   * @param op the operation
   * @param recipes the style
   * @param iterations how many to time
   * @return fires with the latency facts
   */
  public Deferred<LatencyFacts> latency(Operation op, CacheRecipes recipes, int iterations) {
    return Inline.run(
        () -> {
          List<MemcacheClientProtocol> clients = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            clients.add(await(live.connect(i)));
          }
          try {
            IntFunction<Deferred<?>> work = workload(op, recipes, clients);
            int n = iterationsFor(op, iterations);
            await(timed(work, Math.max(1, n / 10)));
            return await(timed(work, n));
          } finally {
            for (MemcacheClientProtocol c : clients) {
              c.transport().loseConnection();
            }
          }
        });
  }

  private IntFunction<Deferred<?>> workload(
      Operation op, CacheRecipes r, List<MemcacheClientProtocol> c) {
    List<Replica> replicas = List.of(
        new Replica("cache-a", c.get(0)), new Replica("cache-b", c.get(1)),
        new Replica("cache-c", c.get(2)));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      keys.add("bench:" + i);
    }
    return switch (op) {
      case CACHE_ASIDE -> i -> r.getOrLoad(c.get(0), "bench:" + (i % 64), () -> Deferred.succeed("v"));
      case RECONNECT -> i -> r.connectWithRetry(live.endpoint(1), new RetryPlan(NO_WAIT, 1))
          .addCallback(client -> {
            client.transport().loseConnection();
            return null;
          });
      case LOCK -> i -> r.acquireLock(c.get(0), "bench", "worker-1",
              new LockPlan(30, 1, Duration.ZERO, NO_WAIT))
          .addCallbackDeferring(held -> r.releaseLock(c.get(0), held));
      case PARTIAL_WRITE -> i -> r.storeEverywhere(replicas, "bench", "v",
          new WritePlan(Duration.ofSeconds(1), OnPartialWrite.REPORT));
      case TIMEOUT -> i -> r.getOnce(live.endpoint(2), "bench:1")
          .addTimeout(Duration.ofSeconds(1), live.reactor());
      case BATCH -> i -> r.fetchMany(c.get(0), keys, 8);
    };
  }

  /** Runs the operations one after another, timing each; a failure ends the run. */
  private Deferred<LatencyFacts> timed(IntFunction<Deferred<?>> work, int n) {
    long[] nanos = new long[n];
    Deferred<LatencyFacts> done = new Deferred<>();
    long start = System.nanoTime();
    next(work, nanos, 0, start, done);
    return done;
  }

  private static void next(
      IntFunction<Deferred<?>> work, long[] nanos, int i, long start, Deferred<LatencyFacts> done) {
    if (i == nanos.length) {
      done.callback(LatencyFacts.of(nanos, System.nanoTime() - start));
      return;
    }
    long t0 = System.nanoTime();
    work.apply(i).addBoth((value, failure) -> {
      if (failure != null) {
        done.errback(failure);
      } else {
        nanos[i] = System.nanoTime() - t0;
        next(work, nanos, i + 1, start, done);
      }
      return null;
    });
  }

  /**
   * Makes the operation fail the same way in the given style and measures the trace.
   *
   * @param op the operation
   * @param r the style
   * @return fires with the trace's facts, or with null for the partial write, whose failures are
   *     values in its outcome
   */
  public Deferred<StackFacts> stack(Operation op, CacheRecipes r) {
    return Inline.run(
        () -> {
          MemcacheClientProtocol c0 = await(live.connect(0));
          try {
            Deferred<?> failing;
            switch (op) {
              case CACHE_ASIDE -> {
                await(c0.delete("trace:aside"));
                await(live.server(0).setFailureMode(MemcacheFailureMode.failNthWrite(1)));
                failing = r.getOrLoad(c0, "trace:aside", () -> Deferred.succeed("v"));
              }
              case RECONNECT -> {
                await(live.server(1).setFailureMode(MemcacheFailureMode.REFUSE_CONNECT));
                failing = r.connectWithRetry(live.endpoint(1), new RetryPlan(NO_WAIT, 1));
              }
              case LOCK -> {
                await(c0.set(HeldLock.lockKey("trace"), "worker-2".getBytes(StandardCharsets.UTF_8)));
                failing = r.acquireLock(c0, "trace", "worker-1",
                    new LockPlan(30, 1, Duration.ZERO, NO_WAIT));
              }
              case TIMEOUT -> {
                await(live.server(2).setFailureMode(MemcacheFailureMode.NEVER_ANSWER));
                failing = r.getOnce(live.endpoint(2), "k")
                    .addTimeout(Duration.ofMillis(50), live.reactor());
              }
              case BATCH -> failing = r.fetchMany(c0, List.of("trace:1", "not a key"), 8);
              case PARTIAL_WRITE -> {
                return null;
              }
              default -> throw new IllegalStateException("unknown operation " + op);
            }
            // Caught with a callback, not awaited: an await here would add this driver's own
            // await site to both styles' traces.
            Throwable[] seen = {null};
            await(failing.addBoth((value, failure) -> {
              seen[0] = failure == null ? null : failure.value();
              return null;
            }));
            if (seen[0] != null) {
              return StackFacts.of(seen[0]);
            }
            throw new CheckFailedException("expected " + op + " to fail in " + r.style() + " style");
          } finally {
            await(live.allNormal());
            c0.transport().loseConnection();
          }
        });
  }
}
