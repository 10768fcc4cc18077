package org.braid.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeferredBasicsTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DeferredBasics chapter =
      new DeferredBasics(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  private String transcript() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void callbacksRunOnlyOnceTheReplyIsDelivered() {
    chapter.callbacksRunWhenTheResultArrives();

    assertThat(transcript())
        .containsSubsequence(
            "before the reply: Deferred@", "[pending: get \"user:42\"]",
            "greeting: Hello, Ada",
            "after the reply:  Deferred@", "[fired: Integer");
  }

  @Test
  void missingKeyIsRecoveredByTheErrbackAndSkipsTheCallback() {
    chapter.errorsTravelDownTheErrbackSide();

    assertThat(transcript())
        .contains("recovered from: no such key: user:7", "result: stranger")
        .doesNotContain("never printed");
  }

  @Test
  void chainedLookupWaitsForTheSecondReply() {
    chapter.aCallbackMayWaitForAnotherDeferred();

    assertThat(transcript())
        .contains("result: Welcome back!", "gathered: [Ada, Welcome back]")
        .contains("outcomes: [ok Ada, failed Failure[")
        .contains("no such key: user:0");
  }

  @Test
  void cancelledLookupIgnoresTheLateReply() {
    chapter.cancellingStopsTheWait();

    assertThat(transcript()).contains("cancelled: Deferred was cancelled", "[fired: null");
  }

  @Test
  void walkthroughRunsEverySceneInOrder() {
    chapter.run();

    assertThat(transcript())
        .containsSubsequence("1. Callbacks", "2. A failure", "3. A callback", "4. Cancelling");
  }
}
