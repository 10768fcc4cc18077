package org.braid.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.braid.inline.Inline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chapter 4. The first two scenes run on a manual clock, so their order is exact in both
 * scheduling modes (the module's tests run in both); the third runs on real sockets. No scene may
 * leave an inline body suspended.
 */
class InlineBasicsTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final InlineBasics chapter =
      new InlineBasics(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  private int bodiesBefore;

  @BeforeEach
  void countBodies() {
    bodiesBefore = Inline.liveBodies();
  }

  @AfterEach
  void noBodyLeftSuspended() {
    assertThat(Inline.liveBodies()).as("inline bodies still alive").isEqualTo(bodiesBefore);
  }

  @Test
  void runReturnsAtTheFirstAwaitAndTheBodyFinishesInsideTheCallThatFiresWhatItAwaits() {
    // INLINE.md, ordering rules 1 to 3
    assertThat(chapter.whenTheBodyRuns())
        .containsExactly(
            "body: asks for the name",
            "run returned a pending Deferred",
            "body: got Ada",
            "advance returned a fired Deferred: Hello, Ada");
  }

  @Test
  void cancellingTheBodyThrowsAtItsAwaitStopsTheTimerAndFiresWithWhatTheBodyReturned() {
    // INLINE.md, ordering rule 7
    assertThat(chapter.cancellingAtTheAwait())
        .containsExactly(
            "body: cancelled while waiting; cleaning up",
            "cancel returned a fired Deferred: nobody waited",
            "timers still pending: 0");
  }

  @Test
  void inlineEchoServerSendsBackWhatTheCallbackStyleClientSends() throws Exception {
    assertThat(chapter.echoFromTheInlineServer(List.of("hello", "inline", "")))
        .containsExactly("hello", "inline", "");
  }

  @Test
  void walkthroughRunsEverySceneInOrder() throws Exception {
    chapter.run();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .containsSubsequence(
            "1. The body runs until it waits",
            "   run returned a pending Deferred",
            "2. Cancelling",
            "   timers still pending: 0",
            "3. The inline echo server",
            "   LineClient got back [hello, inline]");
  }
}
