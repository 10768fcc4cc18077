package org.braid.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.braid.deferred.Deferred;
import org.braid.protocols.examples.LineClient;
import org.braid.reactor.ListeningPort;
import org.junit.jupiter.api.Test;

/**
 * Chapter 1 on real sockets. Its point is timing, but timings on a shared machine prove nothing,
 * so the test checks only what must hold however fast the machine: every way gets every answer,
 * right and in order. The chapter's output shows the times.
 */
class WhyWaitingTest {
  private static final List<String> SQUARES =
      IntStream.rangeClosed(1, WhyWaiting.REQUESTS).mapToObj(n -> Integer.toString(n * n)).toList();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Test
  void everyWayGetsEveryAnswerRightAndInRequestOrder() throws Exception {
    List<WhyWaiting.Outcome> outcomes =
        new WhyWaiting(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

    assertThat(outcomes)
        .extracting(WhyWaiting.Outcome::way)
        .containsExactly(
            "one after another, blocking",
            "a platform thread per request",
            "all at once, one reactor thread");
    assertThat(outcomes).allSatisfy(o -> assertThat(o.answers()).isEqualTo(SQUARES));
  }

  @Test
  void transcriptNamesEachWayWithItsAnswerCountAndThreads() throws Exception {
    new WhyWaiting(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .containsSubsequence(
            "20 requests to a server that answers each after 50 ms",
            "one after another, blocking:", "20 answers in", "1 client thread",
            "a platform thread per request:", "20 answers in", "20 client threads",
            "all at once, one reactor thread:", "20 answers in", "the server's reactor thread");
  }

  @Test
  void slowServerAnswersWhatIsNotANumberWithAnError() throws Exception {
    try (ReactorThread server = ReactorThread.start("test-reactor")) {
      ListeningPort listening =
          server.call(
              () -> Deferred.succeed(SlowSquareServer.listen(server.reactor(), Duration.ofMillis(1))));
      int port = ((InetSocketAddress) listening.getHost()).getPort();

      List<String> replies =
          server.call(
              () -> LineClient.converse(server.reactor(), "127.0.0.1", port, List.of("seven", "7")));

      assertThat(replies).containsExactly("ERROR not a number: seven", "49");
    }
  }
}
