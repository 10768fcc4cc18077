package org.braid.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.braid.deferred.Deferred;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chapter 12: each scene causes what the chapter shows, and shows what it should. The
 * slow-callback scene runs a real reactor and blocks it on purpose (that is what the watchdog
 * exists to catch); the others need no clock at all or a manual one. The unhandled-error scene
 * waits for the garbage collector, bounded.
 */
class DebuggingTest {
  private boolean debuggingBefore;

  @BeforeEach
  void rememberDebugMode() {
    debuggingBefore = Deferred.getDebugging();
  }

  @AfterEach
  void debugModeIsLeftAsItWas() {
    assertThat(Deferred.getDebugging()).isEqualTo(debuggingBefore);
  }

  @Test
  void secondFireInDebugModeSaysWhereTheDeferredWasCreatedAndFirstFired() {
    assertThat(DebuggingTranscripts.alreadyCalled())
        .containsSubsequence(
            "Deferred already fired: Deferred@…[fired: String: get \"user:42\"]",
            " C: Deferred was created:",
            "at org.braid.tutorial.Debugging.ask(",
            " I: First Invoker was:",
            "at org.braid.tutorial.Debugging.answer(");
  }

  @Test
  void failureNobodyHandledIsLoggedWithItsDescriptionAndCreationSiteWhenCollected() {
    assertThat(DebuggingTranscripts.unhandled())
        .containsSubsequence(
            "ERROR org.braid.deferred.Deferred - Unhandled error in Deferred (get \"user:7\"):",
            "KeyNotFoundException: no such key: user:7",
            " C: Deferred was created:",
            "at org.braid.tutorial.Debugging.dropAFailedLookup(",
            "KeyNotFoundException: no such key: user:7");
  }

  @Test
  void callbackHoldingTheReactorPastTheThresholdIsReportedWithTheStackWhereItBlocks()
      throws Exception {
    assertThat(DebuggingTranscripts.slowCallback())
        .containsSubsequence(
            "the callback returned Ada",
            "WARN org.braid.reactor.internal.SlowCallbackWatchdog - Reactor thread blocked for … ms"
                + " (threshold 50 ms) in timed call",
            "BlockedReactorThread: stack of reactor thread 'braid-reactor-chapter-12' while blocked",
            "at org.braid.tutorial.Debugging.lookUpTheBlockingWay(");
  }

  @Test
  void inlineTraceAddsTheAwaitSiteAsASuppressedExceptionAndTheCallbackTraceHasNone() {
    String traces = DebuggingTranscripts.stackTraces();
    String callback = traces.substring(0, traces.indexOf("inline style:"));
    String inline = traces.substring(traces.indexOf("inline style:"));

    assertThat(callback)
        .contains("KeyNotFoundException: no such key: user:7", "Debugging.lambda$lookUp$")
        .doesNotContain("Suppressed");
    assertThat(inline)
        .containsSubsequence(
            "KeyNotFoundException: no such key: user:7",
            "at org.braid.tutorial.Debugging.lambda$lookUp$",
            "\tSuppressed: org.braid.inline.internal.AwaitSite: awaited here: Deferred@…",
            "\t\tat org.braid.tutorial.Debugging.lambda$stackTraces$");
  }

  @Test
  void walkthroughRunsEverySceneInOrder() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Debugging(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .containsSubsequence(
            "1. A Deferred fired twice", "Deferred already fired",
            "2. A failure nobody handled", "the Deferred was collected",
            "3. A callback that blocks", "the callback returned Ada",
            "4. The same failure", "callback style:", "inline style:", "Suppressed:");
  }
}
