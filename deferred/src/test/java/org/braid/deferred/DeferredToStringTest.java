package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code toString()} shows the state and why a Deferred is pending, never a user value (STYLE.md 9;
 * test_defer.py: test_repr, test_reprWithResult, test_reprWithChaining).
 */
class DeferredToStringTest {

  private static String id(Deferred<?> d) {
    return "Deferred@" + Integer.toHexString(d.hashCode());
  }

  @Test
  void unfiredDeferredIsPendingAndNamedByItsIdentity() {
    // test_defer.py: test_repr
    Deferred<String> d = new Deferred<>();

    assertThat(d).hasToString(id(d) + "[pending]");
    assertThat(d.hashCode()).isEqualTo(System.identityHashCode(d));
  }

  @Test
  void firedDeferredShowsTheTypeOfItsValueButNotTheValue() {
    // test_defer.py: test_reprWithResult shows the value; we show only its type.
    Deferred<String> d = Deferred.succeed("password=hunter2");

    assertThat(d).hasToString(id(d) + "[fired: String]");
    assertThat(d.toString()).doesNotContain("hunter2");
  }

  @Test
  void deferredFiredWithNullSaysSo() {
    Deferred<String> d = Deferred.succeed(null);

    assertThat(d).hasToString(id(d) + "[fired: null]");
  }

  @Test
  void failedDeferredShowsTheSimpleNameOfTheExceptionButNotItsMessage() {
    Deferred<String> d = Deferred.fail(new TimeoutException("secret detail"));

    assertThat(d).hasToString(id(d) + "[failed: TimeoutException]");
    failureResultOf(d);
  }

  @Test
  void deferredWaitingOnAnInnerDeferredNamesIt() {
    // test_defer.py: test_reprWithChaining (implicit chain)
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> inner);

    assertThat(outer).hasToString(id(outer) + "[waiting on " + id(inner) + "]");
  }

  @Test
  void chainDeferredTargetNamesTheDeferredItWaitsOn() {
    // test_defer.py: test_reprWithChaining
    Deferred<Object> a = new Deferred<>();
    Deferred<Object> b = new Deferred<>();

    b.chainDeferred(a);

    assertThat(a).hasToString(id(a) + "[waiting on " + id(b) + "]");
  }

  @Test
  void pausedDeferredSaysPausedWhetherPendingOrFired() {
    Deferred<String> d = new Deferred<>();
    d.pause();
    assertThat(d).hasToString(id(d) + "[pending, paused]");

    d.callback("x");
    assertThat(d).hasToString(id(d) + "[fired: String, paused]");

    d.unpause();
    assertThat(d).hasToString(id(d) + "[fired: String]");
  }

  @Test
  void waitingOnAnInnerDeferredIsNotShownAsAPauseUnlessTheUserPausedToo() {
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> inner);
    assertThat(outer.toString()).doesNotContain("paused");

    outer.pause();

    assertThat(outer).hasToString(id(outer) + "[waiting on " + id(inner) + ", paused]");
  }

  @Test
  void descriptionFollowsTheState() {
    Deferred<String> d = new Deferred<String>().describedAs("get \"user:42\" on 127.0.0.1:11211");

    assertThat(d).hasToString(id(d) + "[pending: get \"user:42\" on 127.0.0.1:11211]");

    d.callback("value");
    assertThat(d).hasToString(id(d) + "[fired: String: get \"user:42\" on 127.0.0.1:11211]");
  }

  @Test
  void describedAsReturnsTheSameDeferred() {
    Deferred<String> d = new Deferred<>();

    assertThat(d.describedAs("purpose")).isSameAs(d);
  }

  @Test
  void waitingStateDisappearsOnceTheInnerDeferredHasFired() {
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(v -> inner);

    inner.callback(42);

    assertThat(outer).hasToString(id(outer) + "[fired: Integer]");
    assertThat(inner).hasToString(id(inner) + "[fired: null]");
  }
}
