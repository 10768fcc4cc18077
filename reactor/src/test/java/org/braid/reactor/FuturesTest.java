package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.reactor.RunningReactor.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CompletionStage interop: Futures.fromCompletionStage and toCompletableFuture. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuturesTest {
  private final SelectorReactor reactor = new SelectorReactor();
  private RunningReactor running;

  @BeforeEach
  void start() throws Exception {
    running = RunningReactor.start(reactor);
  }

  @AfterEach
  void stop() throws Exception {
    running.stopAndJoin();
  }

  /** Waits for a Deferred's outcome from the test thread: [value or Failure, firing thread]. */
  private List<Object> outcomeOf(Deferred<?> d) throws InterruptedException {
    List<Object> outcome = new ArrayList<>();
    CountDownLatch fired = new CountDownLatch(1);
    reactor.callFromThread(
        () ->
            d.addBoth(
                (value, failure) -> {
                  outcome.add(failure != null ? failure : value);
                  outcome.add(Thread.currentThread().getName());
                  fired.countDown();
                  return null;
                }));
    await(fired);
    return outcome;
  }

  @Test
  void aStageCompletedOnAnotherThreadFiresTheDeferredOnTheReactorThread() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    Deferred<String> d = running.compute(() -> Futures.fromCompletionStage(reactor, future));
    Thread completer = new Thread(() -> future.complete("hello"), "completer");
    completer.start();
    assertThat(outcomeOf(d)).containsExactly("hello", "reactor-under-test");
  }

  @Test
  void anAlreadyCompletedStageStillFiresTheDeferredLaterNotSynchronously() throws Exception {
    AtomicReference<Boolean> firedAtOnce = new AtomicReference<>();
    Deferred<String> d =
        running.compute(
            () -> {
              Deferred<String> fromStage =
                  Futures.fromCompletionStage(reactor, CompletableFuture.completedFuture("done"));
              firedAtOnce.set(fromStage.isCalled());
              return fromStage;
            });
    assertThat(firedAtOnce.get()).isFalse();
    assertThat(outcomeOf(d)).first().isEqualTo("done");
  }

  @Test
  void aFailedStageFailsTheDeferredWithTheUnwrappedException() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<String> failed =
        CompletableFuture.<String>supplyAsync(() -> "x").thenApply(x -> {
          throw boom;
        });
    Deferred<String> d = running.compute(() -> Futures.fromCompletionStage(reactor, failed));
    List<Object> outcome = outcomeOf(d);
    assertThat(((Failure) outcome.get(0)).value()).isSameAs(boom);
    assertThat(failed.isCompletedExceptionally()).isTrue();
    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class);
  }

  @Test
  void cancellingTheDeferredCancelsTheFuture() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    List<Object> outcome =
        running.call(
            () -> {
              Deferred<String> d = Futures.fromCompletionStage(reactor, future);
              d.cancel();
              List<Object> seen = new ArrayList<>();
              d.addErrback(f -> {
                seen.add(f.value());
                return null;
              });
              return Deferred.succeed(seen);
            });
    assertThat(outcome).singleElement().isInstanceOf(CancelledException.class);
    assertThat(future.isCancelled()).isTrue();
  }

  @Test
  void aFutureCancelledElsewhereFailsTheDeferredWithCancelledException() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    Deferred<String> d = running.compute(() -> Futures.fromCompletionStage(reactor, future));
    future.cancel(false);
    Failure failure = (Failure) outcomeOf(d).get(0);
    assertThat(failure.value())
        .isInstanceOf(CancelledException.class)
        .hasCauseInstanceOf(CancellationException.class);
  }

  @Test
  void aFutureFromADeferredCompletesOnTheReactorThreadWithItsValue() throws Exception {
    Deferred<String> d = new Deferred<>();
    CompletableFuture<String> future =
        running.call(() -> Deferred.succeed(Futures.toCompletableFuture(reactor, d)));
    CompletableFuture<String> thread = future.thenApply(v -> Thread.currentThread().getName());
    assertThat(future).isNotDone();
    reactor.callFromThread(() -> d.callback("value"));
    assertThat(future.get(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("value");
    assertThat(thread.get(1, TimeUnit.SECONDS)).isEqualTo("reactor-under-test");
  }

  @Test
  void aFutureFromAFailedDeferredCarriesTheOriginalExceptionAndConsumesIt() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    List<Object> after = new ArrayList<>();
    CompletableFuture<String> future =
        running.call(
            () -> {
              Deferred<String> d = Deferred.fail(boom);
              CompletableFuture<String> f = Futures.toCompletableFuture(reactor, d);
              d.addCallback(after::add);
              return Deferred.succeed(f);
            });
    assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
    assertThat(after).containsExactly((Object) null);
  }

  @Test
  void cancellingTheFutureFromAnotherThreadCancelsTheDeferred() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicReference<String> cancelledOn = new AtomicReference<>();
    Deferred<String> d =
        new Deferred<>(
            self -> {
              cancelledOn.set(Thread.currentThread().getName());
              cancelled.countDown();
            });
    CompletableFuture<String> future =
        running.call(() -> Deferred.succeed(Futures.toCompletableFuture(reactor, d)));
    assertThat(future.cancel(true)).isTrue();
    await(cancelled);
    assertThat(cancelledOn.get()).isEqualTo("reactor-under-test");
    assertThat(future.isCancelled()).isTrue();
  }
}
