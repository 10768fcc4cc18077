package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.failure;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import java.time.Duration;
import org.braid.deferred.Deferred;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hard case 3, a lock held by someone else: one test for both styles. */
class LockTest {
  /** 250 ms, 450 ms, 850 ms, 1.05 s: a fixed 50 ms of "jitter", so the times are exact. */
  private static final BackoffPolicy BACKOFF =
      BackoffPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, () -> 0.05);

  private static LockPlan plan(int maxTries, Duration deadline) {
    return new LockPlan(30, maxTries, deadline, BACKOFF);
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void freeLockIsTakenAtTheFirstAttempt(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());

    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(5, Duration.ofSeconds(10)));
    f.net.settle();

    assertThat(value(lock)).isEqualTo(new HeldLock("k", "worker-1", 1, Duration.ZERO));
    assertThat(f.read(cache, "lock:k")).isEqualTo("worker-1");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void lockReleasedByItsHolderIsTakenAtTheNextRetry(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    MemcacheClientProtocol other = f.net.connect(server);
    f.write(other, "lock:k", "worker-2");

    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(5, Duration.ofSeconds(10)));
    f.net.advance(Duration.ofMillis(500)); // refused at 0 and 250 ms; next try at 700 ms
    other.delete("lock:k");
    f.net.advance(Duration.ofMillis(200));

    assertThat(value(lock)).isEqualTo(new HeldLock("k", "worker-1", 3, Duration.ofMillis(700)));
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void heldLockMakesItGiveUpAfterItsTriesNamingTheHolderAndTheWait(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    f.write(f.net.connect(server), "lock:k", "worker-2");

    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(3, Duration.ofSeconds(10)));
    f.net.advance(Duration.ofSeconds(10));

    Throwable held = failure(lock);
    assertThat(held)
        .isInstanceOf(LockHeldException.class)
        .hasMessage("lock on 'k' is held by 'worker-2'; gave up after 3 attempts in 700 ms");
    assertThat(((LockHeldException) held).holder()).contains("worker-2");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void deadlineStopsTheRetriesBeforeTheTriesRunOut(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    f.write(f.net.connect(server), "lock:k", "worker-2");

    // The second retry would start at 700 ms, after the 600 ms deadline: it is not made.
    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(10, Duration.ofMillis(600)));
    f.net.advance(Duration.ofSeconds(10));

    assertThat(failure(lock))
        .hasMessage("lock on 'k' is held by 'worker-2'; gave up after 2 attempts in 250 ms");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void releasingOurLockDeletesIt(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheClientProtocol cache = f.net.connect(f.server());
    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(1, Duration.ZERO));
    f.net.settle();

    Deferred<Boolean> released = f.recipes.releaseLock(cache, value(lock));
    f.net.settle();

    assertThat(value(released)).isTrue();
    assertThat(f.read(cache, "lock:k")).isNull();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void expiredLockTakenBySomeoneElseIsNotReleasedByUs(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    MemcacheClientProtocol other = f.net.connect(server);
    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(1, Duration.ZERO));
    f.net.settle();
    f.net.advance(Duration.ofSeconds(31)); // our 30 s lock expires while we are still busy
    Deferred<HeldLock> theirs = f.recipes.acquireLock(other, "k", "worker-2", plan(1, Duration.ZERO));
    f.net.settle();
    value(theirs);

    Deferred<Boolean> released = f.recipes.releaseLock(cache, value(lock));
    f.net.settle();

    assertThat(value(released)).isFalse();
    assertThat(f.read(cache, "lock:k")).isEqualTo("worker-2");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void lockChangedBetweenOurReadAndOurDeleteIsLeftAlone(Style style) {
    RecipeFixture f = new RecipeFixture(style);
    MemcacheServer server = f.server();
    MemcacheClientProtocol cache = f.net.connect(server);
    MemcacheClientProtocol other = f.net.connect(server);
    Deferred<HeldLock> lock = f.recipes.acquireLock(cache, "k", "worker-1", plan(1, Duration.ZERO));
    f.net.settle();

    Deferred<Boolean> released = f.recipes.releaseLock(cache, value(lock));
    // Our gets reaches the server first and sees our lock; then, before our cas, the lock is
    // written again (here: the lock expired and another worker's set landed). A plain delete
    // would now remove their lock; the cas is refused instead.
    other.set("lock:k", "worker-2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    f.net.settle();

    assertThat(value(released)).isFalse();
    assertThat(f.read(cache, "lock:k")).isEqualTo("worker-2");
  }
}
