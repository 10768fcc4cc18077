package org.braid.inline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;
import static org.braid.inline.Inline.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.Threads;
import org.braid.reactor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Inline code with the reactor: its clock, its thread rules, the same results as callbacks. */
@Timeout(30)
class InlineReactorTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void sleepingOnTheManualClockIsDeterministic() {
    List<String> events = new ArrayList<>();
    Deferred<String> d =
        Inline.run(
            () -> {
              events.add("start at " + clock.now().toSeconds());
              await(clock.sleep(Duration.ofSeconds(5)));
              events.add("woke at " + clock.now().toSeconds());
              return "done";
            });

    clock.advance(Duration.ofSeconds(4));
    assertNoResult(d);
    clock.advance(Duration.ofSeconds(1));

    assertThat(successResultOf(d)).isEqualTo("done");
    assertThat(events).containsExactly("start at 0", "woke at 5");
  }

  @Test
  void inlineAndCallbackStylesGiveTheSameResultsOnTheSameClock() {
    // The same scenario both ways: retry a flaky operation with a growing delay.
    Deferred<String> callbacks = retryWithCallbacks(new Flaky(3), 0);
    Deferred<String> inline =
        Inline.run(
            () -> {
              Flaky flaky = new Flaky(3);
              for (int attempt = 0; ; attempt++) {
                try {
                  return await(flaky.call()) + " after " + attempt + " retries at "
                      + clock.now().toSeconds() + "s";
                } catch (IllegalStateException e) {
                  await(clock.sleep(Duration.ofSeconds(1L << attempt)));
                }
              }
            });

    clock.pump(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

    assertThat(successResultOf(inline)).isEqualTo(successResultOf(callbacks));
    assertThat(successResultOf(inline)).isEqualTo("ok after 3 retries at 7s");
  }

  private Deferred<String> retryWithCallbacks(Flaky flaky, int attempt) {
    return flaky
        .call()
        .addCallback(v -> v + " after " + attempt + " retries at " + clock.now().toSeconds() + "s")
        .addErrbackDeferring(
            f -> {
              f.trap(IllegalStateException.class);
              return clock
                  .sleep(Duration.ofSeconds(1L << attempt))
                  .addCallbackDeferring(ignored -> retryWithCallbacks(flaky, attempt + 1));
            });
  }

  /** Fails the first {@code failures} calls. */
  private static final class Flaky {
    private int failures;

    Flaky(int failures) {
      this.failures = failures;
    }

    Deferred<String> call() {
      return failures-- > 0 ? Deferred.fail(new IllegalStateException("flaky")) : Deferred.succeed("ok");
    }
  }

  @Test
  void bodyResumedByTheReactorCountsAsTheReactorThreadAndRefusesToBlock() throws Exception {
    SelectorReactor reactor = SelectorReactor.builder().build();
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    reactor.callWhenRunning(
        () ->
            Inline.run(
                    () -> {
                      List<String> facts = new ArrayList<>();
                      facts.add("before await: in reactor thread = " + reactor.isInReactorThread());
                      await(reactor.sleep(Duration.ofMillis(1)));
                      facts.add("after await: in reactor thread = " + reactor.isInReactorThread());
                      try {
                        Threads.blockingCallFromThread(reactor, () -> Deferred.succeed(1));
                        facts.add("blocking call allowed");
                      } catch (IllegalStateException e) {
                        facts.add("blocking call refused");
                      }
                      return facts;
                    })
                .addBoth(
                    (facts, failure) -> {
                      if (failure != null) {
                        seen.completeExceptionally(failure.value());
                      } else {
                        seen.complete(facts);
                      }
                      reactor.stop();
                      return null;
                    }));
    Thread loop = new Thread(reactor::run, "inline-test-reactor");
    loop.start();

    assertThat(seen.get(20, TimeUnit.SECONDS))
        .containsExactly(
            "before await: in reactor thread = true",
            "after await: in reactor thread = true",
            "blocking call refused");
    loop.join(20_000);
  }

  @Test
  void awaitOnTheReactorThreadOutsideABodySaysItWouldDeadlock() throws Exception {
    SelectorReactor reactor = SelectorReactor.builder().build();
    CompletableFuture<String> message = new CompletableFuture<>();
    reactor.callWhenRunning(
        () -> {
          try {
            await(Deferred.succeed(1));
            message.complete("no exception");
          } catch (Exception e) {
            message.complete(e.getMessage());
          }
          reactor.stop();
        });
    Thread loop = new Thread(reactor::run, "inline-test-reactor");
    loop.start();

    assertThat(message.get(20, TimeUnit.SECONDS))
        .contains("reactor thread", "deadlock", "Inline.run");
    loop.join(20_000);
  }
}
