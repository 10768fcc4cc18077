package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Echo;
import ch.qos.logback.classic.Level;
import org.braid.reactor.LogCapture;
import org.braid.reactor.testing.RecordingClientFactory;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP listening port: accepting, refusing, stopping, and running out of descriptors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpPortTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private LoopFixture loop;

  @BeforeEach
  void startLoop() {
    loop = LoopFixture.start();
  }

  @AfterEach
  void stopLoop() {
    loop.close();
  }

  private static int portOf(SocketAddress address) {
    return ((InetSocketAddress) address).getPort();
  }

  private RecordingClientFactory connect(int port, RecordingProtocol client) {
    RecordingClientFactory factory = new RecordingClientFactory(() -> client);
    loop.run(() -> loop.reactor().connectTCP("127.0.0.1", port, factory, TIMEOUT, null));
    return factory;
  }

  /** Counts its start/stop calls. */
  private static final class CountingFactory extends Factory {
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();

    @Override
    protected Protocol newProtocol(SocketAddress peer) {
      return new Echo();
    }

    @Override
    protected void startFactory() {
      starts.incrementAndGet();
    }

    @Override
    protected void stopFactory() {
      stops.incrementAndGet();
    }
  }

  @Test
  void stopListeningReleasesThePortStopsTheFactoryAndKeepsAcceptedConnectionsOpen() {
    CountingFactory factory = new CountingFactory();
    ListeningPort port = loop.call(() -> loop.reactor().listenTCP(0, factory, 50, "127.0.0.1"));
    int number = portOf(port.getHost());
    assertThat(factory.starts).hasValue(1);
    RecordingProtocol client = new RecordingProtocol();
    connect(number, client);
    client.awaitMade();

    loop.await(port::stopListening);

    assertThat(factory.stops).hasValue(1);
    assertThat(loop.call(() -> port.stopListening().isCalled())).as("stopping again").isTrue();
    assertThat(factory.stops).as("doStop is not repeated").hasValue(1);
    // The accepted connection still works.
    loop.run(() -> client.transport().write("still here".getBytes(UTF_8)));
    assertThat(client.awaitReceived(10)).isEqualTo("still here".getBytes(UTF_8));
    // New connections are refused, and the port can be bound again.
    RecordingClientFactory refused = connect(number, new RecordingProtocol());
    assertThat(LoopFixture.get(refused.failed, "refusal").value()).isInstanceOf(ConnectException.class);
    ListeningPort again = loop.call(() -> loop.reactor().listenTCP(number, factory, 50, "127.0.0.1"));
    assertThat(portOf(again.getHost())).isEqualTo(number);
  }

  @Test
  void listeningOnAPortInUseFailsNamingTheAddress() {
    ListeningPort port =
        loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(Echo::new), 50, "127.0.0.1"));
    int number = portOf(port.getHost());

    assertThatThrownBy(
            () ->
                loop.call(
                    () -> loop.reactor().listenTCP(number, Factory.forProtocol(Echo::new), 50, "127.0.0.1")))
        .hasCauseInstanceOf(UncheckedIOException.class)
        .cause()
        .hasMessageStartingWith("cannot listen on TCP 127.0.0.1:" + number + ": ");
  }

  @Test
  void aFactoryThatBuildsNoProtocolRefusesTheConnectionAndTheClientSeesItClose() {
    ListeningPort port =
        loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> null), 50, "127.0.0.1"));
    RecordingProtocol client = new RecordingProtocol();
    connect(portOf(port.getHost()), client);

    assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void buildProtocolThatThrowsClosesThatConnectionAndThePortKeepsAccepting() {
    AtomicInteger built = new AtomicInteger();
    Factory flaky =
        Factory.forProtocol(
            () -> {
              if (built.incrementAndGet() == 1) {
                throw new IllegalStateException("first build fails");
              }
              return new Echo();
            });
    ListeningPort port = loop.call(() -> loop.reactor().listenTCP(0, flaky, 50, "127.0.0.1"));
    RecordingProtocol first = new RecordingProtocol();
    connect(portOf(port.getHost()), first);
    assertThat(first.awaitLost().value()).isInstanceOf(ConnectionDone.class);

    RecordingProtocol second = new RecordingProtocol();
    connect(portOf(port.getHost()), second);
    second.awaitMade();
    loop.run(() -> second.transport().write("ok".getBytes(UTF_8)));
    assertThat(second.awaitReceived(2)).isEqualTo("ok".getBytes(UTF_8));
  }

  @Test
  void runningOutOfDescriptorsOnAcceptBacksOffOnTheClockAndLogsOncePerBurst() {
    try (LogCapture log = LogCapture.of(StreamPort.class)) {
      List<Duration> failedAt = new CopyOnWriteArrayList<>();
      List<Duration> acceptedAt = new CopyOnWriteArrayList<>();
      StreamPort.Acceptor failingThreeTimes =
          server -> {
            if (failedAt.size() < 3) {
              failedAt.add(loop.reactor().now());
              throw new IOException("Too many open files");
            }
            SocketChannel accepted = server.accept();
            if (accepted != null) {
              acceptedAt.add(loop.reactor().now());
            }
            return accepted;
          };
      StreamPort port =
          loop.call(
              () ->
                  Tcp.listen(
                      loop.loop(), 0, Factory.forProtocol(Echo::new), 50, "127.0.0.1", failingThreeTimes));
      RecordingProtocol client = new RecordingProtocol();
      connect(portOf(port.getHost()), client);

      client.awaitMade();
      loop.run(() -> client.transport().write("in".getBytes(UTF_8)));
      assertThat(client.awaitReceived(2)).isEqualTo("in".getBytes(UTF_8));

      // Three failures, each followed by a pause of at least 10, 20, 40 ms: no busy loop.
      assertThat(failedAt).hasSize(3);
      assertThat(acceptedAt).hasSize(1);
      assertThat(failedAt.get(1).minus(failedAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(10));
      assertThat(failedAt.get(2).minus(failedAt.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(20));
      assertThat(acceptedAt.get(0).minus(failedAt.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(40));
      List<String> warnings = log.messagesAt(Level.WARN);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("Too many open files: out of file descriptors").contains("10 ms");
      assertThat(log.messagesAt(Level.DEBUG)).hasSize(2);
      assertThat(log.messagesAt(Level.INFO))
          .singleElement()
          .asString()
          .contains("accepting again after 3 failed accepts");
    }
  }
}
