package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pause()} and {@code unpause()} (twisted-semantics.md 1.7). */
class DeferredPauseTest {
  private final List<Object> seen = new ArrayList<>();

  @Test
  void pausedDeferredQueuesCallbacksUntilUnpaused() {
    // test_defer.py: testPausedFailure
    Deferred<String> d = Deferred.fail(new IOException("fail"));
    d.pause();

    d.addErrback(
        f -> {
          seen.add(f.getErrorMessage());
          return "handled";
        });
    assertThat(seen).isEmpty();
    d.unpause();

    assertThat(seen).containsExactly("fail");
  }

  @Test
  void pausedDeferredAcceptsItsResultButRunsNoCallbacks() {
    Deferred<String> d = new Deferred<>();
    d.addCallback(seen::add);
    d.pause();

    d.callback("value");

    assertThat(d.isCalled()).isTrue();
    assertThat(d.isPaused()).isTrue();
    assertThat(seen).isEmpty();
    d.unpause();
    assertThat(seen).containsExactly("value");
  }

  @Test
  void balancedPauseAndUnpauseBeforeFiringChangeNothing() {
    // test_defer.py: testUnpauseBeforeCallback
    Deferred<String> d = new Deferred<>();
    d.pause();
    d.addCallback(seen::add);

    d.unpause();
    assertThat(seen).isEmpty();
    assertThat(d.isPaused()).isFalse();
    d.callback("value");

    assertThat(seen).containsExactly("value");
  }

  @Test
  void everyPauseNeedsItsOwnUnpause() {
    Deferred<String> d = Deferred.succeed("value");
    d.pause();
    d.pause();
    d.addCallback(seen::add);

    d.unpause();
    assertThat(seen).isEmpty();
    assertThat(d.isPaused()).isTrue();
    d.unpause();

    assertThat(seen).containsExactly("value");
  }

  @Test
  void unpauseRunsTheChainBeforeItReturns() {
    Deferred<String> d = new Deferred<>();
    d.pause();
    d.callback("value");
    d.addCallback(seen::add);

    d.unpause();
    seen.add("after unpause()");

    assertThat(seen).containsExactly("value", "after unpause()");
  }

  @Test
  void unpauseWithoutPauseThrowsAndNamesTheDeferred() {
    // twisted-semantics.md 1.7: Twisted's counter goes negative and blocks the Deferred forever.
    Deferred<String> d = new Deferred<>();

    assertThatThrownBy(d::unpause)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unpause() without a matching pause()")
        .hasMessageContaining("Deferred@");

    d.addCallback(seen::add);
    d.callback("still works");
    assertThat(seen).containsExactly("still works");
  }

  @Test
  void unpauseAfterTheLastPauseWasUndoneThrows() {
    Deferred<String> d = Deferred.succeed("value");
    d.pause();
    d.unpause();

    assertThatThrownBy(d::unpause).isInstanceOf(IllegalStateException.class);
    assertThat(successResultOf(d)).isEqualTo("value");
  }

  @Test
  void waitingOnAnInnerDeferredIsNotAPauseThatUnpauseMayUndo() {
    Deferred<String> inner = new Deferred<>();
    Deferred<String> outer = new Deferred<>();
    outer.addCallbackDeferring(v -> inner).addCallback(seen::add);
    outer.callback("go");
    assertThat(outer.isPaused()).as("waiting on inner").isTrue();

    assertThatThrownBy(outer::unpause).isInstanceOf(IllegalStateException.class);

    inner.callback("inner value");
    assertThat(seen).containsExactly("inner value");
  }

  @Test
  void userPauseHoldsAnOuterDeferredEvenAfterItsInnerDeferredFires() {
    // twisted-semantics.md 1.6: the continue entry is not a user unpause
    Deferred<String> inner = new Deferred<>();
    Deferred<String> outer = new Deferred<>();
    outer.addCallbackDeferring(v -> inner).addCallback(seen::add);
    outer.callback("go");
    outer.pause();

    inner.callback("inner value");
    assertThat(seen).isEmpty();
    assertThat(outer.isPaused()).isTrue();
    outer.unpause();

    assertThat(seen).containsExactly("inner value");
  }

  @Test
  void pausedDeferredFiredTwiceStillThrowsAlreadyCalled() {
    Deferred<String> d = new Deferred<>();
    d.pause();
    d.callback("first");

    assertThatThrownBy(() -> d.callback("second")).isInstanceOf(AlreadyCalledException.class);
    d.unpause();
    assertThat(successResultOf(d)).isEqualTo("first");
  }
}
