package org.braid.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chapter 2 on real sockets: the timer runs on the reactor thread, the echo comes back whole. */
class ReactorAndProtocolsTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Test
  void timerRunsOnTheReactorThreadAndTheEchoServerSendsEveryLineBackInOrder() throws Exception {
    ReactorAndProtocols.Seen seen =
        new ReactorAndProtocols(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

    assertThat(seen.timerThread()).isEqualTo("braid-reactor-chapter-2");
    assertThat(seen.echoed()).isEqualTo(seen.sent()).hasSize(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .containsSubsequence(
            "on the reactor thread: braid-reactor-chapter-2",
            "sent the echo server [hello, braid, one reactor, many connections]",
            "got back                    [hello, braid, one reactor, many connections]");
  }
}
