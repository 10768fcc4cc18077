package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Unhandled error in Deferred": a failure that ends a chain and is never handled is logged when
 * its Deferred is garbage-collected, once, and never for a failure that was handled or moved into
 * another Deferred (test_defer.py: LogTests; twisted-semantics.md 1.13, 6.1).
 *
 * <p>Each test makes its Deferreds in a separate method, so that no local variable keeps them
 * alive, and marks its exceptions with a fresh token, so that failing Deferreds left behind by
 * other test classes (collected during these tests) cannot be mistaken for its own. The waits are
 * for the garbage collector and the cleaner thread, bounded by {@link LogCapture}.
 */
class UnhandledErrorTest {
  private final LogCapture log = LogCapture.ofDeferredLogger();
  private boolean debuggingBefore;

  @BeforeEach
  void debuggingOff() {
    debuggingBefore = Deferred.getDebugging();
    Deferred.setDebugging(false);
  }

  @AfterEach
  void restore() {
    Deferred.setDebugging(debuggingBefore);
    log.close();
  }

  private static String token() {
    return "token-" + UUID.randomUUID();
  }

  /** Waits until {@code token} was reported at least once. */
  private boolean reported(String token) {
    return log.awaitWhileCollectingGarbage(() -> !log.eventsMentioning(token).isEmpty());
  }

  /**
   * Makes and drops a failing, unhandled Deferred with a new token and waits for its report: a
   * later collection than everything dropped before, so what was due to be reported before it has
   * had its chance.
   */
  private void settle() {
    String control = token();
    dropUnhandledFailure(control);
    assertThat(reported(control)).as("control Deferred reported").isTrue();
  }

  // --- Deferreds made and dropped in their own frames ----------------------------------------

  private static void dropUnhandledFailure(String token) {
    // test_defer.py: test_errorLog
    Deferred<Integer> d = new Deferred<>();
    d.addCallback(
        x -> {
          throw new ArithmeticException("/ by zero " + token);
        });
    d.callback(1);
  }

  private static WeakReference<Deferred<?>> dropHandledFailure(String token) {
    Deferred<Integer> d = Deferred.fail(new IllegalStateException(token));
    d.addErrback(f -> 0);
    return new WeakReference<>(d);
  }

  // --- Tests ----------------------------------------------------------------------------------

  @Test
  void unhandledFailureIsLoggedAtErrorWhenItsDeferredIsCollected() {
    // test_defer.py: test_errorLog, test_errorLogWithInnerFrameRef
    String token = token();

    dropUnhandledFailure(token);

    assertThat(reported(token)).isTrue();
    ILoggingEvent event = log.eventsMentioning(token).get(0);
    assertThat(event.getLevel()).isEqualTo(Level.ERROR);
    assertThat(event.getLoggerName()).isEqualTo("org.braid.deferred.Deferred");
    assertThat(event.getFormattedMessage()).startsWith("Unhandled error in Deferred");
    assertThat(event.getThrowableProxy().getClassName())
        .isEqualTo(ArithmeticException.class.getName());
    assertThat(event.getThrowableProxy().getMessage()).isEqualTo("/ by zero " + token);
  }

  @Test
  void unhandledFailureIsLoggedExactlyOnce() {
    // test_defer.py: LogTests._check (exactly one report per Deferred)
    String token = token();

    dropUnhandledFailure(token);
    assertThat(reported(token)).isTrue();
    settle();
    settle();

    assertThat(log.eventsMentioning(token)).hasSize(1);
  }

  @Test
  void unhandledFailureOfADeferredInAReferenceCycleIsStillLogged() {
    // test_defer.py: test_errorLogWithInnerFrameCycle
    String token = token();

    dropCycle(token);

    assertThat(reported(token)).isTrue();
  }

  private static void dropCycle(String token) {
    Deferred<Object> d = new Deferred<>();
    // The callback refers to its own Deferred: a cycle through the chain.
    d.addCallback(
        x -> {
          throw new IllegalStateException(token + " " + d.isCalled());
        });
    d.callback(1);
  }

  @Test
  void failureHandledByAnErrbackIsNeverLogged() {
    String token = token();

    WeakReference<Deferred<?>> handled = dropHandledFailure(token);
    assertThat(log.awaitWhileCollectingGarbage(() -> handled.get() == null)).isTrue();
    settle();

    assertThat(log.eventsMentioning(token)).isEmpty();
  }

  @Test
  void failureHandledByAnErrbackAddedAfterTheChainEndedIsNeverLogged() {
    String token = token();

    WeakReference<Deferred<?>> handled = dropLateHandledFailure(token);
    assertThat(log.awaitWhileCollectingGarbage(() -> handled.get() == null)).isTrue();
    settle();

    assertThat(log.eventsMentioning(token)).isEmpty();
  }

  private static WeakReference<Deferred<?>> dropLateHandledFailure(String token) {
    Deferred<Integer> d = new Deferred<>();
    d.errback(new IllegalStateException(token));
    // The chain ended on the failure here; handling it now must withdraw the report.
    d.addErrback(f -> 0);
    return new WeakReference<>(d);
  }

  @Test
  void failureMovedIntoTheOuterDeferredByChainingIsNotLoggedForTheInner() {
    // test_defer.py: test_chainedErrorCleanup
    String token = token();

    WeakReference<Deferred<?>> inner = dropChainedAndHandled(token);
    assertThat(log.awaitWhileCollectingGarbage(() -> inner.get() == null)).isTrue();
    settle();

    assertThat(log.eventsMentioning(token)).isEmpty();
  }

  private static WeakReference<Deferred<?>> dropChainedAndHandled(String token) {
    Deferred<Object> inner = Deferred.fail(new IllegalStateException(token));
    Deferred<Object> outer = new Deferred<>();
    outer.addCallback(ign -> inner);
    outer.callback(null);
    outer.addErrback(f -> "handled by the outer Deferred");
    return new WeakReference<>(inner);
  }

  @Test
  void failureWhoseErrbackChainsToAnotherDeferredIsNotLogged() {
    // test_defer.py: test_errorClearedByChaining
    String token = token();

    WeakReference<Deferred<?>> bad = dropErrbackChainedToUnfired(token);
    assertThat(log.awaitWhileCollectingGarbage(() -> bad.get() == null)).isTrue();
    settle();

    assertThat(log.eventsMentioning(token)).isEmpty();
  }

  private static WeakReference<Deferred<?>> dropErrbackChainedToUnfired(String token) {
    Deferred<Object> bad = Deferred.fail(new IllegalStateException(token));
    Deferred<Object> good = new Deferred<>();
    bad.addErrback(ignored -> good);
    return new WeakReference<>(bad);
  }

  @Test
  void failurePassedOnWithChainDeferredIsLoggedOnlyWhereItEnded() {
    String token = token();

    dropChainDeferredLine(token);

    assertThat(reported(token)).isTrue();
    settle();
    assertThat(log.eventsMentioning(token)).hasSize(1);
  }

  private static void dropChainDeferredLine(String token) {
    Deferred<Object> source = new Deferred<>();
    Deferred<Object> target = new Deferred<>();
    source.chainDeferred(target);
    source.errback(new IllegalStateException(token));
  }

  @Test
  void failureMovedThroughImplicitChainingIsLoggedOnceForTheDeferredWhereItEnded() {
    String token = token();

    dropUnhandledChain(token);

    assertThat(reported(token)).isTrue();
    settle();
    assertThat(log.eventsMentioning(token)).hasSize(1);
  }

  private static void dropUnhandledChain(String token) {
    Deferred<Object> inner = new Deferred<>();
    Deferred<Object> outer = Deferred.succeed(null);
    outer.addCallback(ign -> inner);
    inner.errback(new IllegalStateException(token));
  }

  @Test
  void failureReplacedByALaterFailureIsLoggedAsTheLaterOneOnly() {
    String first = token();
    String second = token();

    dropReplacedFailure(first, second);

    assertThat(reported(second)).isTrue();
    settle();
    assertThat(log.eventsMentioning(second)).hasSize(1);
    assertThat(log.eventsMentioning(first)).isEmpty();
  }

  private static void dropReplacedFailure(String first, String second) {
    Deferred<Object> d = Deferred.fail(new IllegalStateException(first));
    d.addErrback(
        f -> {
          throw new IllegalArgumentException(second);
        });
  }

  @Test
  void reportNamesTheDescriptionOfTheDeferred() {
    String token = token();

    dropDescribedFailure(token);

    assertThat(reported(token)).isTrue();
    assertThat(log.eventsMentioning(token).get(0).getFormattedMessage())
        .startsWith("Unhandled error in Deferred (get \"user:42\" on 127.0.0.1:11211)");
  }

  private static void dropDescribedFailure(String token) {
    Deferred<Object> d = new Deferred<>().describedAs("get \"user:42\" on 127.0.0.1:11211");
    d.errback(new IllegalStateException(token));
  }

  @Test
  void reportNamesADescriptionGivenAfterTheDeferredFailed() {
    // describedAs labels "toString() and unhandled-error logs", whenever it is called.
    String token = token();

    dropFailedThenDescribed(token);

    assertThat(reported(token)).isTrue();
    assertThat(log.eventsMentioning(token).get(0).getFormattedMessage())
        .startsWith("Unhandled error in Deferred (described after failing)");
  }

  private static void dropFailedThenDescribed(String token) {
    Deferred.fail(new IllegalStateException(token)).describedAs("described after failing");
  }

  @Test
  void reportInDebugModeShowsWhereTheDeferredWasCreatedAndFirstFired() {
    // test_defer.py: test_errorLogDebugInfo
    String token = token();
    Deferred.setDebugging(true);

    dropFailingInDebugMode(token);

    assertThat(reported(token)).isTrue();
    String message = log.eventsMentioning(token).get(0).getFormattedMessage();
    assertThat(message).contains(" C: Deferred was created:", " I: First Invoker was:");
    String created = message.substring(message.indexOf(" C:"), message.indexOf(" I:"));
    String invoked = message.substring(message.indexOf(" I:"));
    String here = UnhandledErrorTest.class.getName();
    assertThat(created).contains(here + ".dropFailingInDebugMode(").doesNotContain(".failIt(");
    assertThat(invoked).contains(here + ".failIt(");
  }

  private static void dropFailingInDebugMode(String token) {
    Deferred<String> d = new Deferred<>();
    failIt(d, token);
  }

  private static void failIt(Deferred<String> d, String token) {
    d.errback(new IllegalStateException(token));
  }

  @Test
  void reportWithoutDebugModeHasNoSites() {
    String token = token();

    dropUnhandledFailure(token);

    assertThat(reported(token)).isTrue();
    assertThat(log.eventsMentioning(token).get(0).getFormattedMessage())
        .doesNotContain(" C: ")
        .doesNotContain(" I: ");
  }

  @Test
  void cancelledDeferredWithoutErrbackIsReportedLikeAnyUnhandledFailure() {
    // twisted-semantics.md 6.1, bug class 2: cancel() without an errback logs CancelledException
    String description = token();

    dropCancelled(description);

    assertThat(reported(description)).isTrue();
    List<ILoggingEvent> events = log.eventsMentioning(description);
    assertThat(events.get(0).getThrowableProxy().getClassName())
        .isEqualTo(CancelledException.class.getName());
  }

  private static void dropCancelled(String description) {
    new Deferred<>().describedAs(description).cancel();
  }
}
