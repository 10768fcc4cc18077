package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Debug mode: where a Deferred was created and first fired, shown when it is fired again
 * (test_defer.py: AlreadyCalledTests.testAlreadyCalledDebug_*, testSwitchDebugging;
 * twisted-semantics.md 1.14).
 */
class DebugModeTest {
  private static final String CREATED = " C: Deferred was created:";
  private static final String INVOKED = " I: First Invoker was:";

  private boolean debuggingBefore;

  @BeforeEach
  void debuggingOn() {
    debuggingBefore = Deferred.getDebugging();
    Deferred.setDebugging(true);
  }

  @AfterEach
  void restoreDebugging() {
    Deferred.setDebugging(debuggingBefore);
  }

  // Named like test_defer.py's helpers, so the sites can be recognised in the message.
  private static void call1(Deferred<String> d) {
    d.callback("hello");
  }

  private static void call2(Deferred<String> d) {
    d.callback("twice");
  }

  private static void err1(Deferred<String> d) {
    d.errback(new IllegalStateException());
  }

  private static void err2(Deferred<String> d) {
    d.errback(new IllegalStateException());
  }

  /** The text of the creation section, or "" when there is none. */
  private static String creationSection(String message) {
    int start = message.indexOf(CREATED);
    if (start < 0) {
      return "";
    }
    int end = message.indexOf(INVOKED, start);
    return message.substring(start, end < 0 ? message.length() : end);
  }

  /** The text of the first-invoker section, or "" when there is none. */
  private static String invokerSection(String message) {
    int start = message.indexOf(INVOKED);
    return start < 0 ? "" : message.substring(start);
  }

  private static String frame(String method) {
    return DebugModeTest.class.getName() + "." + method + "(";
  }

  /** Test_defer.py's _check: the creator once, the first invoker once, never the second. */
  private static void assertSites(
      Throwable e, String creator, String firstInvoker, String secondInvoker) {
    assertThat(e).isInstanceOf(AlreadyCalledException.class);
    String message = e.getMessage();
    String created = creationSection(message);
    String invoked = invokerSection(message);
    assertThat(created).contains(frame(creator));
    for (String helper : new String[] {"call1", "call2", "err1", "err2"}) {
      assertThat(created).doesNotContain(frame(helper));
    }
    assertThat(invoked).containsOnlyOnce(frame(firstInvoker)).doesNotContain(frame(secondInvoker));
  }

  @Test
  void debugFlagReadsBackWhatWasSet() {
    Deferred.setDebugging(false);
    assertThat(Deferred.getDebugging()).isFalse();
    Deferred.setDebugging(true);
    assertThat(Deferred.getDebugging()).isTrue();
  }

  @Test
  void callbackTwiceShowsTheCreatorAndTheFirstInvokerOnly() {
    // test_defer.py: testAlreadyCalledDebug_CC
    Deferred<String> d = new Deferred<>();
    call1(d);

    Throwable e = catchThrowable(() -> call2(d));

    assertSites(e, "callbackTwiceShowsTheCreatorAndTheFirstInvokerOnly", "call1", "call2");
  }

  @Test
  void errbackAfterCallbackShowsTheCreatorAndTheFirstInvokerOnly() {
    // test_defer.py: testAlreadyCalledDebug_CE
    Deferred<String> d = new Deferred<>();
    call1(d);

    Throwable e = catchThrowable(() -> err2(d));

    assertSites(e, "errbackAfterCallbackShowsTheCreatorAndTheFirstInvokerOnly", "call1", "err2");
  }

  @Test
  void callbackAfterErrbackShowsTheCreatorAndTheFirstInvokerOnly() {
    // test_defer.py: testAlreadyCalledDebug_EC
    Deferred<String> d = new Deferred<>();
    d.addErrback(f -> null);
    err1(d);

    Throwable e = catchThrowable(() -> call2(d));

    assertSites(e, "callbackAfterErrbackShowsTheCreatorAndTheFirstInvokerOnly", "err1", "call2");
  }

  @Test
  void errbackTwiceShowsTheCreatorAndTheFirstInvokerOnly() {
    // test_defer.py: testAlreadyCalledDebug_EE
    Deferred<String> d = new Deferred<>();
    d.addErrback(f -> null);
    err1(d);

    Throwable e = catchThrowable(() -> err2(d));

    assertSites(e, "errbackTwiceShowsTheCreatorAndTheFirstInvokerOnly", "err1", "err2");
  }

  @Test
  void deferredCreatedBeforeDebuggingWasOnShowsOnlyTheFirstInvoker() {
    // test_defer.py: testSwitchDebugging (flipping the flag never breaks a Deferred)
    Deferred.setDebugging(false);
    Deferred<String> d = new Deferred<>();
    d.addBoth((v, f) -> v);
    Deferred.setDebugging(true);
    call1(d);

    Throwable e = catchThrowable(() -> call2(d));

    assertThat(e).hasMessageNotContaining(CREATED).hasMessageContaining(INVOKED);
    assertThat(invokerSection(e.getMessage())).contains(frame("call1"));
  }

  @Test
  void deferredFiredAfterDebuggingWasTurnedOffShowsOnlyTheCreator() {
    // test_defer.py: testSwitchDebugging
    Deferred<String> d = new Deferred<>();
    Deferred.setDebugging(false);
    call1(d);
    Deferred.setDebugging(true);
    d.addBoth((v, f) -> v);

    Throwable e = catchThrowable(() -> call2(d));

    assertThat(e).hasMessageContaining(CREATED).hasMessageNotContaining(INVOKED);
    assertThat(creationSection(e.getMessage()))
        .contains(frame("deferredFiredAfterDebuggingWasTurnedOffShowsOnlyTheCreator"));
  }

  @Test
  void deferredFiredThroughChainDeferredRecordsWhoFiredTheSource() {
    Deferred<String> source = new Deferred<>();
    Deferred<String> target = new Deferred<>();
    source.chainDeferred(target);
    call1(source);

    Throwable e = catchThrowable(() -> call2(target));

    assertThat(invokerSection(e.getMessage())).contains(frame("call1"));
    assertThat(successResultOf(target)).isEqualTo("hello");
  }

  @Test
  void sitesOmitDeferredsOwnFramesButKeepOtherClassesNamedDeferredSomething() {
    // Twisted drops only Deferred.__init__'s own frame from the creator stack.
    Deferred<String> d = DeferredProducer.produce();
    DeferredProducer.fire(d);

    Throwable e = catchThrowable(() -> call2(d));

    String created = creationSection(e.getMessage());
    assertThat(created)
        .contains(DeferredProducer.class.getName() + ".produce(")
        .doesNotContain(Deferred.class.getName() + ".<init>(");
    assertThat(invokerSection(e.getMessage()))
        .contains(DeferredProducer.class.getName() + ".fire(")
        .doesNotContain(Deferred.class.getName() + ".callback(");
  }
}
