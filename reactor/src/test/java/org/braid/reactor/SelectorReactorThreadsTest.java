package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.reactor.RunningReactor.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** callFromThread, timers and deferToThread on the real reactor. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectorReactorThreadsTest {
  private final SelectorReactor reactor = new SelectorReactor();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @Test
  void callsQueuedBeforeRunRunOnTheReactorThreadAfterStartup() throws Exception {
    // test_internet.py: test_scheduledThreadsNotRunUntilReactorRuns
    reactor.addSystemEventTrigger(TriggerPhase.BEFORE, "startup", () -> events.add("startup"));
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    reactor.callFromThread(
        () -> {
          events.add("queued before run");
          ranOn.set(Thread.currentThread());
          ran.countDown();
        });
    assertThat(events).isEmpty();
    try (RunningReactor running = RunningReactor.startInBackground(reactor)) {
      await(ran);
      assertThat(events).containsExactly("startup", "queued before run");
      assertThat(ranOn.get()).isSameAs(running.thread());
      running.stopAndJoin();
    }
  }

  @Test
  void callsFromOneThreadRunInTheOrderTheyWereMade() throws Exception {
    // test_internet.py: test_threadsAreRunInScheduledOrder
    try (RunningReactor running = RunningReactor.start(reactor)) {
      List<Integer> order = new ArrayList<>(); // reactor thread only
      CountDownLatch done = new CountDownLatch(1);
      for (int i = 0; i < 1000; i++) {
        int n = i;
        reactor.callFromThread(() -> order.add(n));
      }
      reactor.callFromThread(done::countDown);
      await(done);
      running.run(() -> {
        for (int i = 0; i < 1000; i++) {
          assertThat(order.get(i)).isEqualTo(i);
        }
      });
      running.stopAndJoin();
    }
  }

  @Test
  void aStormFromEightThreadsDeliversEveryCallOnceInPerThreadOrder() throws Exception {
    // test_internet.py: test_lotsOfThreadsAreScheduledCorrectly, test_threads.py: test_wakerOverflow
    int threads = 8;
    int callsPerThread = 10_000;
    try (RunningReactor running = RunningReactor.start(reactor)) {
      int[] lastSeen = new int[threads]; // reactor thread only
      java.util.Arrays.fill(lastSeen, -1);
      List<String> violations = new ArrayList<>(); // reactor thread only
      CountDownLatch delivered = new CountDownLatch(threads * callsPerThread);
      CyclicBarrier go = new CyclicBarrier(threads);
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int producer = t;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    go.await(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  for (int i = 0; i < callsPerThread; i++) {
                    int n = i;
                    reactor.callFromThread(
                        () -> {
                          if (lastSeen[producer] != n - 1) {
                            violations.add(
                                "producer " + producer + ": " + n + " after " + lastSeen[producer]);
                          }
                          lastSeen[producer] = n;
                          delivered.countDown();
                        });
                  }
                },
                "producer-" + t);
        producers.add(thread);
        thread.start();
      }
      await(delivered);
      for (Thread producer : producers) {
        producer.join(RunningReactor.PATIENCE.toMillis());
      }
      running.run(
          () -> {
            assertThat(violations).isEmpty();
            for (int t = 0; t < threads; t++) {
              assertThat(lastSeen[t]).isEqualTo(callsPerThread - 1);
            }
          });
      assertThat(delivered.getCount()).isZero();
      running.stopAndJoin();
    }
  }

  @Test
  void aCallQueuedByACallRunsInALaterPassAfterDueTimers() throws Exception {
    // test_internet.py: testCallFromThreadStops
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch done = new CountDownLatch(1);
      reactor.callFromThread(
          () -> {
            events.add("call");
            reactor.callFromThread(
                () -> {
                  events.add("queued by the call");
                  done.countDown();
                });
            reactor.callLater(Duration.ZERO, () -> events.add("timer"));
          });
      await(done);
      assertThat(events).containsExactly("call", "timer", "queued by the call");
      running.stopAndJoin();
    }
  }

  @Test
  void aZeroDelayCallScheduledByATimerRunsInTheNextPassAfterThreadCalls() throws Exception {
    // base.py runUntilCurrent: calls scheduled during the timed-call step wait for the next pass
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch done = new CountDownLatch(1);
      reactor.callFromThread(
          () ->
              reactor.callLater(
                  Duration.ZERO,
                  () -> {
                    events.add("timer");
                    reactor.callLater(
                        Duration.ZERO,
                        () -> {
                          events.add("next timer");
                          done.countDown();
                        });
                    reactor.callFromThread(() -> events.add("thread call"));
                  }));
      await(done);
      assertThat(events).containsExactly("timer", "thread call", "next timer");
      running.stopAndJoin();
    }
  }

  @Test
  void aCallFromTheReactorThreadItselfRunsPromptlyEvenWithNothingElseScheduled()
      throws Exception {
    // internet/test/test_threads.py: test_delayedCallFromThread
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch ran = new CountDownLatch(1);
      reactor.callFromThread(
          () -> reactor.callLater(Duration.ZERO, () -> reactor.callFromThread(ran::countDown)));
      await(ran);
      running.stopAndJoin();
    }
  }

  @Test
  void timersRunInDueOrderAndEqualDelaysInSchedulingOrder() throws Exception {
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch done = new CountDownLatch(1);
      running.run(
          () -> {
            reactor.callLater(Duration.ofMillis(30), () -> {
              events.add("30ms");
              done.countDown();
            });
            reactor.callLater(Duration.ofMillis(10), () -> events.add("10ms"));
            for (int i = 0; i < 5; i++) {
              int n = i;
              reactor.callLater(Duration.ZERO, () -> events.add("zero " + n));
            }
          });
      await(done);
      assertThat(events)
          .containsExactly("zero 0", "zero 1", "zero 2", "zero 3", "zero 4", "10ms", "30ms");
      running.stopAndJoin();
    }
  }

  @Test
  void aTimerOrThreadCallThatThrowsIsLoggedAndTheLoopGoesOn() throws Exception {
    try (LogCapture log = LogCapture.of(SelectorReactor.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch after = new CountDownLatch(2);
      reactor.callFromThread(
          () -> {
            throw new IllegalStateException("thread call broke");
          });
      reactor.callFromThread(
          () -> {
            reactor.callLater(
                Duration.ZERO,
                () -> {
                  throw new IllegalStateException("timer broke");
                });
            reactor.callLater(Duration.ofMillis(1), after::countDown);
          });
      reactor.callFromThread(after::countDown);
      await(after);
      List<String> errors = log.messages(Level.ERROR);
      assertThat(errors).hasSize(2);
      assertThat(errors.get(0)).startsWith("Unhandled exception in call from thread");
      assertThat(errors.get(1)).startsWith("Unhandled exception in timed call DelayedCall[called");
      assertThat(log.events(Level.ERROR).stream().map(LogCapture::thrown))
          .containsExactly(
              "java.lang.IllegalStateException: thread call broke",
              "java.lang.IllegalStateException: timer broke");
      assertThat(reactor.isRunning()).isTrue();
      running.stopAndJoin();
    }
  }

  @Test
  void addTimeoutWorksWithTheRealReactorAsScheduler() throws Exception {
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThatThrownBy(
              () ->
                  running.call(
                      () -> new Deferred<String>().addTimeout(Duration.ofMillis(20), reactor)))
          .isInstanceOf(java.util.concurrent.TimeoutException.class)
          .hasMessageContaining("PT0.02S");
      assertThat(running.compute(reactor::getDelayedCalls)).isEmpty();
      running.stopAndJoin();
    }
  }

  @Test
  void callLaterWithANegativeDelayNamesTheValue() {
    assertThatThrownBy(() -> reactor.callLater(Duration.ofSeconds(-3), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callLater delay is negative: PT-3S; it must be zero or more");
  }

  @Test
  void nowIsMonotonicAndStartsNearZero() {
    Duration first = reactor.now();
    Duration second = reactor.now();
    assertThat(first).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMinutes(1));
    assertThat(second).isGreaterThanOrEqualTo(first);
  }

  @Test
  void isInReactorThreadIsTrueOnlyInsideRun() throws Exception {
    // internet/test/test_threads.py: test_isInIOThread, test_isNotInIOThread
    assertThat(reactor.isInReactorThread()).isFalse();
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThat(reactor.isInReactorThread()).isFalse();
      assertThat(running.call(() -> Deferred.succeed(reactor.isInReactorThread()))).isTrue();
      running.stopAndJoin();
    }
    assertThat(reactor.isInReactorThread()).isFalse();
  }

  @Test
  void deferToThreadRunsOnANamedPoolThreadAndFiresOnTheReactorThread() throws Exception {
    // test_threads.py: test_deferredResult; DeferToThreadPoolTests
    SelectorReactor named = SelectorReactor.builder().threadPoolName("test-pool").build();
    try (RunningReactor running = RunningReactor.start(named)) {
      List<String> threads = running.call(
          () -> {
            Deferred<String> d = named.deferToThread(() -> Thread.currentThread().getName());
            assertThat(d.isCalled()).isFalse(); // never synchronously
            return d.addCallback(
                worker ->
                    List.of(worker, Thread.currentThread().getName(), "" + named.isInReactorThread()));
          });
      assertThat(threads).containsExactly("test-pool-1", "reactor-under-test", "true");
      running.stopAndJoin();
    }
  }

  @Test
  void deferToThreadFailsWithTheOriginalException() throws Exception {
    // test_threads.py: test_deferredFailure
    IllegalStateException boom = new IllegalStateException("worker broke");
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThatThrownBy(() -> running.call(() -> reactor.deferToThread(() -> {
        throw boom;
      })))
          .isSameAs(boom);
      running.stopAndJoin();
    }
  }

  @Test
  void deferToThreadUsesAtMostThePoolSizeThreads() throws Exception {
    SelectorReactor small =
        SelectorReactor.builder().threadPoolSize(2).threadPoolName("small").build();
    try (RunningReactor running = RunningReactor.start(small)) {
      CountDownLatch twoStarted = new CountDownLatch(2);
      CountDownLatch release = new CountDownLatch(1);
      Set<String> workers = Collections.synchronizedSet(new HashSet<>());
      List<Deferred<String>> results = new ArrayList<>();
      CountDownLatch allDone = new CountDownLatch(4);
      running.run(
          () -> {
            for (int i = 0; i < 4; i++) {
              Deferred<String> d =
                  small.deferToThread(
                      () -> {
                        workers.add(Thread.currentThread().getName());
                        twoStarted.countDown();
                        if (!release.await(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                          throw new IllegalStateException("never released");
                        }
                        return "done";
                      });
              d.addCallback(v -> {
                allDone.countDown();
                return v;
              });
              results.add(d);
            }
          });
      await(twoStarted);
      // With an unbounded pool, the two queued tasks would have started on threads 3 and 4.
      release.countDown();
      await(allDone);
      assertThat(workers).containsExactlyInAnyOrder("small-1", "small-2");
      running.stopAndJoin();
    }
  }

  @Test
  void cancellingADeferToThreadDeferredDropsTheLateResult() throws Exception {
    // test_threads.py / deferToThreadPool: no canceller, the later result is swallowed once
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch workerDone = new CountDownLatch(1);
      AtomicReference<Throwable> seen = new AtomicReference<>();
      running.run(
          () -> {
            Deferred<String> d =
                reactor.deferToThread(
                    () -> {
                      release.await(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                      workerDone.countDown();
                      return "late";
                    });
            d.addErrback(f -> {
              seen.set(f.value());
              return null;
            });
            d.cancel();
          });
      assertThat(seen.get()).isInstanceOf(CancelledException.class);
      try (LogCapture log = LogCapture.of(SelectorReactor.class)) {
        release.countDown();
        await(workerDone);
        running.run(() -> {}); // a full pass after the result was queued
        running.run(() -> {});
        assertThat(log.events(Level.WARN)).isEmpty();
      }
      running.stopAndJoin();
    }
  }

  @Test
  void deferToThreadAfterShutdownFailsWithReactorNotRunning() throws Exception {
    RunningReactor.start(reactor).stopAndJoin();
    Deferred<String> d = reactor.deferToThread(() -> "never");
    List<Throwable> failure = new ArrayList<>();
    d.addErrback(f -> {
      failure.add(f.value());
      return null;
    });
    assertThat(failure).singleElement().isInstanceOf(ReactorNotRunningException.class);
  }

  @Test
  void aCallFromThreadAfterTheReactorStoppedIsDroppedWithAWarning() throws Exception {
    RunningReactor.start(reactor).stopAndJoin();
    try (LogCapture log = LogCapture.of(SelectorReactor.class)) {
      Runnable late =
          new Runnable() {
            @Override
            public void run() {
              events.add("ran");
            }

            @Override
            public String toString() {
              return "late call";
            }
          };
      reactor.callFromThread(late);
      assertThat(events).isEmpty();
      assertThat(log.messages(Level.WARN)).singleElement().asString().contains("late call");
    }
  }
}
