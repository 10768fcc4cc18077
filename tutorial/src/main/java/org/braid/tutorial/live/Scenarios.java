package org.braid.tutorial.live;

import static org.braid.inline.Inline.await;
import static org.braid.inline.Inline.awaitAll;
import static org.braid.tutorial.live.CheckFailedException.check;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServerErrorException;
import org.braid.reactor.ClientEndpoint;
import org.braid.tutorial.measure.InFlightGauge;
import org.braid.tutorial.recipes.CacheRecipes;
import org.braid.tutorial.recipes.GaveUpConnectingException;
import org.braid.tutorial.recipes.HeldLock;
import org.braid.tutorial.recipes.LockHeldException;
import org.braid.tutorial.recipes.LockPlan;
import org.braid.tutorial.recipes.Lookup;
import org.braid.tutorial.recipes.OnPartialWrite;
import org.braid.tutorial.recipes.Replica;
import org.braid.tutorial.recipes.RetryPlan;
import org.braid.tutorial.recipes.WriteOutcome;
import org.braid.tutorial.recipes.WritePlan;

/**
 * Each hard case played live against the embedded servers, with its failure mode switched on:
 * what the walkthrough runs for each style. A scenario returns one line per step saying what the
 * recipe did; a step whose result is not the expected one throws {@link CheckFailedException}.
 * The driver code here is inline; the code under test is the recipe it is given.
 *
 * <p>Reactor thread only. Uses servers 0, 1 and 2 of the {@link LiveCache}.
 */
public final class Scenarios {
  private final LiveCache live;
  private final Random jitter = new Random(7);

  /**
   * Creates the scenarios.
   *
   * @param live the running servers (at least three)
   */
  public Scenarios(LiveCache live) {
    if (live.serverCount() < 3) {
      throw new IllegalArgumentException("the scenarios need 3 servers, got " + live.serverCount());
    }
    this.live = live;
  }

  /**
   * Plays one hard case with one style's recipes.
   *
   * @param op the hard case
   * @param recipes the style's recipes
   * @return fires with the lines saying what happened, or fails with the first failed check
   */
  public Deferred<List<String>> play(Operation op, CacheRecipes recipes) {
    return Inline.run(
        () -> {
          List<String> said = new ArrayList<>();
          try {
            switch (op) {
              case CACHE_ASIDE -> cacheAside(recipes, said);
              case RECONNECT -> reconnect(recipes, said);
              case LOCK -> lock(recipes, said);
              case PARTIAL_WRITE -> partialWrite(recipes, said);
              case TIMEOUT -> timeout(recipes, said);
              case BATCH -> batch(recipes, said);
            }
          } finally {
            await(live.allNormal());
          }
          return said;
        });
  }

  private void cacheAside(CacheRecipes r, List<String> said) throws Exception {
    MemcacheClientProtocol cache = await(live.connect(0));
    MemcacheClientProtocol other = await(live.connect(0));
    try {
      await(cache.flushAll());
      Lookup miss = await(r.getOrLoad(cache, "user:42", () -> Deferred.succeed("Ada")));
      check(miss.equals(new Lookup("Ada", Lookup.Source.ADDED)), "Ada ADDED", miss);
      said.add("miss: loaded and added " + miss.value() + " (" + miss.source() + ")");
      Lookup hit =
          await(r.getOrLoad(cache, "user:42", () -> Deferred.fail(new AssertionError("loaded"))));
      check(hit.source() == Lookup.Source.HIT, "HIT", hit);
      said.add("hit: " + hit.value() + " without loading (" + hit.source() + ")");
      // The loader lets another client add the key first: our add is refused, theirs wins.
      Lookup raced =
          await(r.getOrLoad(cache, "user:7", () -> other.add("user:7", utf8("Grace (theirs)"))
              .addCallback(ignored -> "Grace (ours)")));
      check(raced.equals(new Lookup("Grace (theirs)", Lookup.Source.LOST_RACE)),
          "Grace (theirs) LOST_RACE", raced);
      said.add("race: add refused, re-read '" + raced.value() + "' (" + raced.source() + ")");
      boolean evicted = await(r.evict(cache, "user:7"));
      check(evicted, "delete to find the key", false);
      said.add("delete: removed");
      await(live.server(0).setFailureMode(MemcacheFailureMode.failNthWrite(1)));
      try {
        await(r.getOrLoad(cache, "user:9", () -> Deferred.succeed("x")));
        throw new CheckFailedException("expected the add to fail under FAIL_NTH_WRITE 1");
      } catch (MemcacheServerErrorException e) {
        said.add("FAIL_NTH_WRITE 1: the add's " + e.getClass().getSimpleName() + " reached the caller");
      }
    } finally {
      cache.transport().loseConnection();
      other.transport().loseConnection();
    }
  }

  private void reconnect(CacheRecipes r, List<String> said) throws Exception {
    int[] attempts = {0};
    ClientEndpoint real = live.endpoint(1);
    ClientEndpoint counted =
        new ClientEndpoint() {
          @Override
          public Deferred<org.braid.reactor.Protocol> connect(org.braid.reactor.Factory factory) {
            attempts[0]++;
            return real.connect(factory);
          }

          @Override
          public String toString() {
            return real.toString();
          }
        };
    BackoffPolicy backoff =
        BackoffPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, () -> 0.0);
    await(live.server(1).setFailureMode(MemcacheFailureMode.REFUSE_CONNECT));
    live.reactor().callLater(Duration.ofMillis(35),
        () -> live.server(1).setFailureMode(MemcacheFailureMode.NORMAL));
    MemcacheClientProtocol client = await(r.connectWithRetry(counted, new RetryPlan(backoff, 8)));
    check(client.isConnected() && attempts[0] >= 2, "connected after 2+ attempts",
        attempts[0] + " attempts");
    said.add("REFUSE_CONNECT for 35 ms: connected at attempt " + attempts[0]);
    client.transport().loseConnection();

    attempts[0] = 0;
    await(live.server(1).setFailureMode(MemcacheFailureMode.REFUSE_CONNECT));
    try {
      await(r.connectWithRetry(counted, new RetryPlan(backoff, 3)));
      throw new CheckFailedException("expected to give up against a refusing server");
    } catch (GaveUpConnectingException e) {
      check(e.attempts() == 3 && attempts[0] == 3, "3 attempts", attempts[0]);
      said.add("REFUSE_CONNECT: " + e.getMessage().replace(real.toString(), "the server"));
    }
    await(live.server(1).setFailureMode(MemcacheFailureMode.ACCEPT_THEN_CLOSE));
    try {
      await(r.connectWithRetry(counted, new RetryPlan(backoff, 2)));
      throw new CheckFailedException("expected to give up against a server that closes at once");
    } catch (GaveUpConnectingException e) {
      said.add("ACCEPT_THEN_CLOSE: gave up after " + e.attempts() + " attempts; cause "
          + e.getCause().getClass().getSimpleName());
    }
  }

  private void lock(CacheRecipes r, List<String> said) throws Exception {
    MemcacheClientProtocol cache = await(live.connect(0));
    MemcacheClientProtocol other = await(live.connect(0));
    try {
      BackoffPolicy backoff = BackoffPolicy.exponential(
          Duration.ofMillis(5), Duration.ofMillis(40), 2.0, () -> jitter.nextDouble() * 0.005);
      await(cache.delete(HeldLock.lockKey("report")));
      await(other.add(HeldLock.lockKey("report"), utf8("worker-2")));
      try {
        await(r.acquireLock(cache, "report", "worker-1",
            new LockPlan(30, 4, Duration.ofSeconds(1), backoff)));
        throw new CheckFailedException("expected the lock to be held by worker-2");
      } catch (LockHeldException e) {
        check(e.holder().equals(Optional.of("worker-2")) && e.attempts() == 4,
            "held by worker-2 after 4 attempts", e.getMessage());
        said.add("held: " + e.getMessage().replaceAll("in [0-9.]+ m?s", "in ~" + (e.waited().toMillis()) + " ms"));
      }
      live.reactor().callLater(Duration.ofMillis(30), () -> other.delete(HeldLock.lockKey("report")));
      HeldLock held = await(r.acquireLock(cache, "report", "worker-1",
          new LockPlan(30, 20, Duration.ofSeconds(2), backoff)));
      check(held.attempts() > 1, "the lock after the holder released it", held);
      said.add("released by worker-2 after 30 ms: acquired at attempt " + held.attempts());
      boolean released = await(r.releaseLock(cache, held));
      boolean again = await(r.releaseLock(cache, held));
      check(released && !again, "release true, then false", released + ", " + again);
      said.add("release: true; a second release: false (not ours any more)");
    } finally {
      cache.transport().loseConnection();
      other.transport().loseConnection();
    }
  }

  private void partialWrite(CacheRecipes r, List<String> said) throws Exception {
    record Case(MemcacheFailureMode mode, OnPartialWrite policy, boolean consistent) {}
    List<Case> cases = List.of(
        new Case(MemcacheFailureMode.failNthWrite(1), OnPartialWrite.REPORT, false),
        new Case(MemcacheFailureMode.failNthWrite(1), OnPartialWrite.RETRY_FAILED, true),
        new Case(MemcacheFailureMode.NEVER_ANSWER, OnPartialWrite.UNDO_APPLIED, true));
    for (Case c : cases) {
      List<MemcacheClientProtocol> clients = new ArrayList<>();
      List<Replica> replicas = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        MemcacheClientProtocol client = await(live.connect(i));
        clients.add(client);
        replicas.add(new Replica("cache-" + (char) ('a' + i), client));
      }
      try {
        await(live.server(1).setFailureMode(c.mode()));
        WriteOutcome o = await(r.storeEverywhere(replicas, "profile:42", "v2",
            new WritePlan(Duration.ofMillis(100), c.policy())));
        check(o.isConsistent() == c.consistent() && o.missing().containsKey("cache-b") != o.isComplete(),
            (c.consistent() ? "consistent" : "partial") + " outcome", o);
        said.add(c.mode() + " on cache-b, " + c.policy() + ": applied " + o.applied()
            + ", missing " + o.missing().keySet() + ", actions " + o.actions()
            + (o.isConsistent() ? " (consistent)" : " (INCONSISTENT, reported)"));
      } finally {
        await(live.allNormal());
        for (MemcacheClientProtocol client : clients) {
          client.transport().loseConnection();
        }
      }
    }
  }

  private void timeout(CacheRecipes r, List<String> said) throws Exception {
    await(live.server(2).setFailureMode(MemcacheFailureMode.NEVER_ANSWER));
    try {
      await(r.getOnce(live.endpoint(2), "k").addTimeout(Duration.ofMillis(100), live.reactor()));
      throw new CheckFailedException("expected a timeout from a server that never answers");
    } catch (TimeoutException e) {
      said.add("NEVER_ANSWER, addTimeout(100 ms): TimeoutException");
    }
    Deferred<Optional<String>> read = r.getOnce(live.endpoint(2), "k");
    await(live.reactor().sleep(Duration.ofMillis(20)));
    read.cancel();
    try {
      await(read);
      throw new CheckFailedException("expected the cancelled read to fail");
    } catch (CancelledException e) {
      said.add("NEVER_ANSWER, cancel() after 20 ms: CancelledException");
    }
    int open = live.server(2).currentConnections();
    for (int i = 0; i < 200 && open > 0; i++) {
      await(live.reactor().sleep(Duration.ofMillis(5)));
      open = live.server(2).currentConnections();
    }
    check(open == 0, "every connection the reads opened to be closed", open + " still open");
    said.add("afterwards: 0 connections open on the server");
  }

  private void batch(CacheRecipes r, List<String> said) throws Exception {
    MemcacheClientProtocol cache = await(live.connect(0));
    try {
      List<String> keys = new ArrayList<>();
      List<Deferred<?>> writes = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        keys.add("item:" + i);
        writes.add(cache.set("item:" + i, utf8("value-" + i)));
      }
      awaitAll(writes);
      InFlightGauge gauge = new InFlightGauge(cache);
      Map<String, String> values = await(r.fetchMany(gauge, keys, 8));
      check(values.size() == 1000 && "value-999".equals(values.get("item:999")),
          "1000 values", values.size());
      check(gauge.maxInFlight() <= 8, "at most 8 in flight", gauge.maxInFlight());
      said.add("1000 values, " + gauge.sent() + " gets, at most " + gauge.maxInFlight()
          + " in flight");
    } finally {
      cache.transport().loseConnection();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
