package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.reactor.RunningReactor.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Threads.blockingCallFromThread (test_threads.py: test_blockingCallFromThread and friends). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadsTest {
  private final SelectorReactor reactor = new SelectorReactor();

  @Test
  void returnsTheValueOfADeferredThatFiresLater() throws Exception {
    // test_threads.py: test_asyncBlockingCallFromThread
    try (RunningReactor running = RunningReactor.start(reactor)) {
      String value =
          Threads.blockingCallFromThread(
              reactor,
              () -> reactor.deferLater(Duration.ofMillis(5), () -> "value from " + Thread.currentThread().getName()));
      assertThat(value).isEqualTo("value from reactor-under-test");
      running.stopAndJoin();
    }
  }

  @Test
  void throwsTheOriginalExceptionWithTheWaitingSiteAttached() throws Exception {
    // test_threads.py: test_asyncErrorBlockingCallFromThread
    IllegalStateException boom = new IllegalStateException("failed on the reactor");
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThatThrownBy(
              () ->
                  Threads.blockingCallFromThread(
                      reactor, () -> reactor.deferLater(Duration.ofMillis(1), () -> {
                        throw boom;
                      })))
          .isSameAs(boom);
      assertThat(boom.getSuppressed())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s).hasMessageContaining("blockingCallFromThread was waiting here");
                assertThat(s.getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(ThreadsTest.class.getName()));
              });
      running.stopAndJoin();
    }
  }

  @Test
  void throwsWhatTheCallableThrows() throws Exception {
    // test_threads.py: test_errorBlockingCallFromThread
    java.io.IOException checked = new java.io.IOException("checked, and the same object");
    try (RunningReactor running = RunningReactor.start(reactor)) {
      assertThatThrownBy(() -> Threads.<String>blockingCallFromThread(reactor, () -> {
        throw checked;
      }))
          .isSameAs(checked);
      running.stopAndJoin();
    }
  }

  @Test
  void consumesTheDeferredsResult() throws Exception {
    // threads.py: the Deferred returned by f has its result consumed
    try (RunningReactor running = RunningReactor.start(reactor)) {
      Deferred<String> d = new Deferred<>();
      reactor.callFromThread(() -> d.callback("v"));
      assertThat(Threads.blockingCallFromThread(reactor, () -> d)).isEqualTo("v");
      List<Object> after = new ArrayList<>();
      running.run(() -> d.addCallback(after::add));
      assertThat(after).containsExactly((Object) null);
      running.stopAndJoin();
    }
  }

  @Test
  void onTheReactorThreadItRefusesAtOnceAndSaysWhy() throws Exception {
    // Twisted deadlocks silently (hendrix#140, pylabrad#151)
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CompletableFuture<Throwable> refusal = new CompletableFuture<>();
      reactor.callFromThread(
          () -> {
            try {
              Threads.blockingCallFromThread(reactor, () -> Deferred.succeed("never"));
              refusal.complete(null);
            } catch (Throwable t) {
              refusal.complete(t);
            }
          });
      Throwable t = refusal.get(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(t)
          .isInstanceOf(BlockingOperationException.class)
          .hasMessageContaining("reactor thread 'reactor-under-test'")
          .hasMessageContaining("deadlock")
          .hasMessageContaining("Add a callback to the Deferred instead");
      running.stopAndJoin();
    }
  }

  @Test
  void throwsInsteadOfHangingWhenTheReactorShutsDownWhileWaiting() throws Exception {
    // Twisted issue #10124
    try (RunningReactor running = RunningReactor.start(reactor)) {
      CountDownLatch callableRan = new CountDownLatch(1);
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread waiter =
          new Thread(
              () -> {
                try {
                  Threads.blockingCallFromThread(
                      reactor,
                      () -> {
                        callableRan.countDown();
                        return new Deferred<String>(); // never fires
                      });
                  outcome.complete(null);
                } catch (Throwable t) {
                  outcome.complete(t);
                }
              },
              "waiter");
      waiter.start();
      await(callableRan);
      running.stopAndJoin();
      assertThat(outcome.get(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(ReactorNotRunningException.class)
          .hasMessageContaining("shut down while blockingCallFromThread waited");
    }
  }

  @Test
  void aPoolThreadWaitingInBlockingCallFromThreadDoesNotHoldUpShutdown() throws Exception {
    // Joining the pool before releasing its waiters would deadlock until the shutdown bound,
    // which is set far beyond the test's patience.
    SelectorReactor patient =
        SelectorReactor.builder().shutdownTimeout(Duration.ofMinutes(5)).build();
    try (RunningReactor running = RunningReactor.start(patient)) {
      CountDownLatch waiting = new CountDownLatch(1);
      Deferred<String> worker =
          running.compute(
              () ->
                  patient.deferToThread(
                      () ->
                          Threads.blockingCallFromThread(
                              patient,
                              () -> {
                                waiting.countDown();
                                return new Deferred<String>(); // never fires
                              })));
      await(waiting);
      running.stopAndJoin();
      assertThat(worker.isCalled()).isFalse(); // its result was dropped: the reactor had stopped
    }
  }

  @Test
  void throwsAtOnceWhenTheReactorHasAlreadyStopped() throws Exception {
    RunningReactor.start(reactor).stopAndJoin();
    assertThatThrownBy(() -> Threads.blockingCallFromThread(reactor, () -> Deferred.succeed("x")))
        .isInstanceOf(ReactorNotRunningException.class)
        .hasMessageContaining("stopped before blockingCallFromThread's call could run");
  }

  @Test
  void aDeferredThatFiresBeforeShutdownLeavesNoShutdownTriggerBehind() throws Exception {
    try (RunningReactor running = RunningReactor.start(reactor)) {
      Deferred<String> d = new Deferred<>();
      Thread waiter =
          new Thread(
              () -> {
                try {
                  Threads.blockingCallFromThread(reactor, () -> d);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      waiter.start();
      // Fire it from the reactor once the waiter's call has registered (it is queued first).
      CountDownLatch fired = new CountDownLatch(1);
      reactor.callFromThread(() -> reactor.callLater(Duration.ofMillis(5), () -> {
        d.callback("done");
        fired.countDown();
      }));
      await(fired);
      waiter.join(RunningReactor.PATIENCE.toMillis());
      assertThat(waiter.isAlive()).isFalse();
      running.stopAndJoin();
    }
  }
}
