package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Long chains run in loops, never by recursion (twisted-semantics.md 1.15, 6.2; STYLE.md 14): none
 * of these may throw {@link StackOverflowError}. They run on a thread with a deliberately small
 * stack, so that the verdict does not depend on how large the JVM's default stack is.
 */
class RecursionDepthTest {
  private static final int N = 100_000;

  /** Far below the usual 1 MiB default: one frame per link would overflow it many times over. */
  private static final long SMALL_STACK_BYTES = 256 * 1024;

  /** A test body that may throw anything, AssertJ's errors included. */
  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} on a thread with a {@value #SMALL_STACK_BYTES}-byte stack, waits for it to
   * end and rethrows what it threw. The body is the only code on that thread, so its Deferreds have
   * one owning thread throughout.
   */
  private static void onSmallStack(Body body) throws Exception {
    Throwable[] thrown = new Throwable[1];
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                body.run();
              } catch (Throwable t) {
                thrown[0] = t;
              }
            },
            "small-stack",
            SMALL_STACK_BYTES);
    thread.start();
    thread.join();
    if (thrown[0] instanceof Error error) {
      throw error;
    }
    if (thrown[0] instanceof Exception exception) {
      throw exception;
    }
  }

  @Test
  void hundredThousandCallbacksOnOneDeferredRunInOrder() throws Exception {
    onSmallStack(
        () -> {
          Deferred<Integer> d = new Deferred<>();
          for (int i = 0; i < N; i++) {
            d = d.addCallback(n -> n + 1);
          }

          d.callback(0);

          assertThat(successResultOf(d)).isEqualTo(N);
        });
  }

  @Test
  void hundredThousandCallbacksAddedToAFiredDeferredEachRunAtOnce() throws Exception {
    onSmallStack(
        () -> {
          Deferred<Integer> d = Deferred.succeed(0);
          for (int i = 0; i < N; i++) {
            d = d.addCallback(n -> n + 1);
          }

          assertThat(successResultOf(d)).isEqualTo(N);
        });
  }

  @Test
  void hundredThousandCallbacksEachReturningAnAlreadyFiredDeferred() throws Exception {
    // twisted/twisted#4593 (Trac #411): returning fired Deferreds over and over overflowed
    onSmallStack(
        () -> {
          Deferred<Integer> d = new Deferred<>();
          for (int i = 0; i < N; i++) {
            d = d.addCallbackDeferring(n -> Deferred.succeed(n + 1));
          }

          d.callback(0);

          assertThat(successResultOf(d)).isEqualTo(N);
        });
  }

  @Test
  void chainOfAlreadyFiredDeferredsEachWaitingOnTheNextResolvesFromTheInnermost() throws Exception {
    // Each Deferred has fired and returned the next, which had itself fired and was waiting:
    // built from the innermost outwards; then the innermost gets its result.
    onSmallStack(
        () -> {
          Deferred<String> last = new Deferred<>();
          Deferred<String> inner = Deferred.<String>succeed(null).addCallbackDeferring(v -> last);
          List<Deferred<String>> all = new ArrayList<>();
          all.add(inner);
          for (int i = 1; i < N; i++) {
            Deferred<String> next = inner;
            inner = Deferred.<String>succeed(null).addCallbackDeferring(v -> next);
            all.add(inner);
          }
          Deferred<String> top = inner;
          assertNoResult(top);

          last.callback("from the innermost");

          assertThat(successResultOf(top)).isEqualTo("from the innermost");
          assertThat(successResultOf(all.get(0))).as("each inner handed its result on").isNull();
          assertThat(successResultOf(all.get(N / 2))).isNull();
        });
  }

  @Test
  void chainOfDeferredsLinkedFirstAndFiredLaterFromTheInnermostResolves() throws Exception {
    // Each Deferred's callback returns the next; firing from the innermost outwards means every
    // returned Deferred already has its result when its outer Deferred fires.
    onSmallStack(
        () -> {
          List<Deferred<String>> chain = new ArrayList<>();
          for (int i = 0; i <= N; i++) {
            chain.add(new Deferred<>());
          }
          for (int i = 0; i < N; i++) {
            Deferred<String> next = chain.get(i + 1);
            chain.get(i).addCallbackDeferring(v -> next);
          }

          chain.get(N).callback("from the innermost");
          for (int i = N - 1; i >= 0; i--) {
            chain.get(i).callback(null);
          }

          assertThat(successResultOf(chain.get(0))).isEqualTo("from the innermost");
          assertThat(successResultOf(chain.get(N))).as("its result moved outwards").isNull();
        });
  }

  @Test
  void chainOfDeferredsFiredOutermostFirstResolvesWhenTheLastFires() throws Exception {
    // test_defer.py: test_boundedStackDepth (with 100,000 instead of 2)
    onSmallStack(
        () -> {
          Deferred<String> last = new Deferred<>();
          List<Deferred<String>> inners = new ArrayList<>();
          for (int i = 0; i < N; i++) {
            inners.add(new Deferred<>());
          }
          Deferred<String> top = new Deferred<>();
          top.addCallbackDeferring(v -> inners.get(0));
          for (int i = 0; i < N - 1; i++) {
            Deferred<String> next = inners.get(i + 1);
            inners.get(i).addCallbackDeferring(v -> next);
          }
          inners.get(N - 1).addCallbackDeferring(v -> last);
          top.callback(null);
          for (Deferred<String> d : inners) {
            d.callback(null);
          }
          assertNoResult(top);

          last.callback("done");

          assertThat(successResultOf(top)).isEqualTo("done");
        });
  }

  @Test
  void lineOfHundredThousandChainDeferredLinksPassesTheResultToTheEnd() throws Exception {
    // twisted/twisted#3229: chainDeferred is recursive in Twisted; here it is iterative.
    onSmallStack(
        () -> {
          Deferred<String> first = new Deferred<>();
          Deferred<String> d = first;
          for (int i = 0; i < N; i++) {
            Deferred<String> next = new Deferred<>();
            d.chainDeferred(next);
            d = next;
          }
          Deferred<String> end = d;

          first.callback("through the line");

          assertThat(successResultOf(end)).isEqualTo("through the line");
          assertThat(successResultOf(first)).isNull();
        });
  }

  @Test
  void lineOfChainDeferredLinksAlsoCarriesAFailure() throws Exception {
    onSmallStack(
        () -> {
          Deferred<String> first = new Deferred<>();
          Deferred<String> d = first;
          for (int i = 0; i < N; i++) {
            Deferred<String> next = new Deferred<>();
            d.chainDeferred(next);
            d = next;
          }
          Deferred<String> end = d;

          first.errback(new IllegalStateException("through the line"));

          assertThat(failureResultOf(end, IllegalStateException.class).getErrorMessage())
              .isEqualTo("through the line");
        });
  }

  @Test
  void cancellingTheTopOfAHundredThousandWaitingDeferredsCancelsTheInnermost() throws Exception {
    // cancel() forwards to the Deferred being waited on; like the chain itself it must not
    // recurse once per link, since cancel() never throws.
    onSmallStack(
        () -> {
          AtomicInteger innermostCancelled = new AtomicInteger();
          Deferred<String> last = new Deferred<>(c -> innermostCancelled.incrementAndGet());
          Deferred<String> top = last;
          for (int i = 0; i < N; i++) {
            Deferred<String> next = top;
            top = Deferred.<String>succeed(null).addCallbackDeferring(v -> next);
          }

          top.cancel();

          assertThat(innermostCancelled).hasValue(1);
          failureResultOf(top, CancelledException.class);
        });
  }

  @Test
  void callbacksRunAtTheSameStackDepthWhateverTheNumberOfChainedDeferreds() {
    // test_defer.py: test_boundedStackDepth, which compares 1 and 2 chained Deferreds
    assertThat(stackDepthOfFinalCallback(1)).isEqualTo(stackDepthOfFinalCallback(2));
    assertThat(stackDepthOfFinalCallback(1)).isEqualTo(stackDepthOfFinalCallback(1_000));
  }

  private static int stackDepthOfFinalCallback(int howMany) {
    List<Integer> depth = new ArrayList<>();
    Deferred<Object> top = new Deferred<>();
    List<Deferred<Object>> inners = new ArrayList<>();
    for (int i = 0; i < howMany; i++) {
      inners.add(new Deferred<>());
    }
    Deferred<Object> last = new Deferred<>();
    top.addCallbackDeferring(v -> inners.get(0))
        .addCallback(
            v -> {
              depth.add(Thread.currentThread().getStackTrace().length);
              return v;
            });
    for (int i = 0; i < howMany; i++) {
      Deferred<Object> next = i + 1 < howMany ? inners.get(i + 1) : last;
      inners.get(i).addCallbackDeferring(v -> next);
    }
    top.callback(null);
    for (Deferred<Object> inner : inners) {
      inner.callback(null);
    }
    assertThat(depth).isEmpty();
    last.callback(null);
    return depth.get(0);
  }
}
