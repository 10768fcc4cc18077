package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Firing twice (test_defer.py: AlreadyCalledTests without debugging) and the {@code try...} forms
 * for racing producers.
 */
class AlreadyCalledTest {
  private boolean debuggingBefore;

  @BeforeEach
  void debuggingOff() {
    debuggingBefore = Deferred.getDebugging();
    Deferred.setDebugging(false);
  }

  @AfterEach
  void restoreDebugging() {
    Deferred.setDebugging(debuggingBefore);
  }

  private static Deferred<String> withCallbacks() {
    Deferred<String> d = new Deferred<>();
    d.addCallbacks(v -> v, f -> null);
    return d;
  }

  @Test
  void callbackAfterCallbackThrows() {
    // test_defer.py: testAlreadyCalled_CC
    Deferred<String> d = withCallbacks();
    d.callback("hello");

    assertThatThrownBy(() -> d.callback("twice")).isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void errbackAfterCallbackThrows() {
    // test_defer.py: testAlreadyCalled_CE
    Deferred<String> d = withCallbacks();
    d.callback("hello");

    assertThatThrownBy(() -> d.errback(new IllegalStateException()))
        .isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void errbackAfterErrbackThrows() {
    // test_defer.py: testAlreadyCalled_EE
    Deferred<String> d = withCallbacks();
    d.errback(new IllegalStateException());

    assertThatThrownBy(() -> d.errback(new IllegalStateException()))
        .isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void callbackAfterErrbackThrows() {
    // test_defer.py: testAlreadyCalled_EC
    Deferred<String> d = withCallbacks();
    d.errback(new IllegalStateException());

    assertThatThrownBy(() -> d.callback("twice")).isInstanceOf(AlreadyCalledException.class);
  }

  @Test
  void alreadyCalledIsAnUncheckedIllegalStateException() {
    assertThat(new AlreadyCalledException("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void secondFiringChangesNeitherTheResultNorRunsTheCallbacksAgain() {
    List<String> seen = new ArrayList<>();
    Deferred<String> d = new Deferred<>();
    d.addCallback(
        v -> {
          seen.add(v);
          return v;
        });
    d.callback("first");

    assertThatThrownBy(() -> d.callback("second")).isInstanceOf(AlreadyCalledException.class);
    assertThatThrownBy(() -> d.errback(new IOException("third")))
        .isInstanceOf(AlreadyCalledException.class);

    assertThat(seen).containsExactly("first");
    assertThat(successResultOf(d)).isEqualTo("first");
  }

  @Test
  void messageWithoutDebuggingNamesTheDeferredAndTellsHowToSeeTheSites() {
    // test_defer.py: testNoDebugging (Twisted gives no message at all; we say what to do)
    Deferred<String> d = new Deferred<>();
    d.callback("hello");

    assertThatThrownBy(() -> d.callback("twice"))
        .hasMessageStartingWith(
            "Deferred already fired: Deferred@"
                + Integer.toHexString(d.hashCode())
                + "[fired: String]")
        .hasMessageContaining("Deferred.setDebugging(true)")
        .hasMessageNotContaining(" C: ")
        .hasMessageNotContaining(" I: ");
  }

  @Test
  void tryCallbackFiresAnUnfiredDeferredAndSaysSo() {
    Deferred<String> d = new Deferred<>();

    assertThat(d.tryCallback("reply")).isTrue();

    assertThat(successResultOf(d)).isEqualTo("reply");
  }

  @Test
  void tryCallbackOnAFiredDeferredReturnsFalseAndKeepsTheFirstResult() {
    Deferred<String> d = new Deferred<>();
    d.errback(new IOException("timed out first"));

    assertThat(d.tryCallback("late reply")).isFalse();

    assertThat(failureResultOf(d, IOException.class).getErrorMessage())
        .isEqualTo("timed out first");
  }

  @Test
  void tryErrbackFailsAnUnfiredDeferredAndSaysSo() {
    IOException error = new IOException("refused");
    Deferred<String> d = new Deferred<>();

    assertThat(d.tryErrback(error)).isTrue();

    assertThat(failureResultOf(d).value()).isSameAs(error);
  }

  @Test
  void tryErrbackOnAFiredDeferredReturnsFalseAndKeepsTheFirstResult() {
    Deferred<String> d = Deferred.succeed("reply first");

    assertThat(d.tryErrback(new IOException("late timeout"))).isFalse();

    assertThat(successResultOf(d)).isEqualTo("reply first");
  }

  @Test
  void tryCallbackAfterCancellationReturnsFalse() {
    Deferred<String> d = new Deferred<>();
    d.cancel();

    assertThat(d.tryCallback("late")).isFalse();

    failureResultOf(d, CancelledException.class);
  }
}
