package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of connections accepted, echoed and closed on one loop. The machine caps a process at
 * about 20,000 descriptors; each wave keeps at most 2,000 open (1,000 connections, both ends).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManyConnectionsTest {
  private static final int WAVES = 5;
  private static final int PER_WAVE = 1000;

  /** Sends a greeting, waits for its echo, closes; reports what it got. */
  private static final class Greeter extends Protocol {
    private final String greeting;
    private final StringBuilder echoed = new StringBuilder();
    private final CountDownLatch done;
    private final ConcurrentLinkedQueue<String> problems;

    Greeter(int id, CountDownLatch done, ConcurrentLinkedQueue<String> problems) {
      this.greeting = "hello from connection " + id;
      this.done = done;
      this.problems = problems;
    }

    @Override
    public void connectionMade() {
      transport().write(greeting.getBytes(UTF_8));
    }

    @Override
    public void dataReceived(byte[] data) {
      echoed.append(new String(data, UTF_8));
      if (echoed.length() >= greeting.length()) {
        transport().loseConnection();
      }
    }

    @Override
    public void connectionLost(Failure reason) {
      if (!echoed.toString().equals(greeting)) {
        problems.add(greeting + ": echoed '" + echoed + "'");
      }
      if (!(reason.value() instanceof ConnectionDone)) {
        problems.add(greeting + ": lost with " + reason);
      }
      done.countDown();
    }
  }

  @Test
  void fiveThousandConnectionsAreAcceptedEchoedAndClosedCleanly() throws Exception {
    try (LoopFixture loop = LoopFixture.start()) {
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      List<Echo> serverSides = new ArrayList<>();
      ListeningPort port =
          loop.call(
              () ->
                  loop.reactor()
                      .listenTCP(
                          0,
                          Factory.forProtocol(
                              () -> {
                                Echo echo = new Echo();
                                serverSides.add(echo);
                                return echo;
                              }),
                          1024,
                          "127.0.0.1"));
      int number = ((InetSocketAddress) port.getHost()).getPort();

      for (int wave = 0; wave < WAVES; wave++) {
        CountDownLatch done = new CountDownLatch(PER_WAVE);
        int first = wave * PER_WAVE;
        loop.run(
            () -> {
              for (int i = first; i < first + PER_WAVE; i++) {
                int id = i;
                loop.reactor()
                    .connectTCP(
                        "127.0.0.1",
                        number,
                        ClientFactory.forProtocol(() -> new Greeter(id, done, problems)),
                        Duration.ofSeconds(30),
                        null);
              }
            });
        assertThat(done.await(60, TimeUnit.SECONDS))
            .as("wave %d: %d connections still open", wave, done.getCount())
            .isTrue();
        assertThat(problems).isEmpty();
      }

      assertThat(loop.call(serverSides::size)).isEqualTo(WAVES * PER_WAVE);
      // Every server side saw the client's close and closed cleanly too; only the port is left.
      for (Echo echo : loop.call(() -> List.copyOf(serverSides))) {
        assertThat(echo.awaitLost().value()).isInstanceOf(ConnectionDone.class);
      }
      assertThat(loop.tracked()).singleElement().asString().startsWith("TCP port 127.0.0.1:" + number);
    }
  }
}
