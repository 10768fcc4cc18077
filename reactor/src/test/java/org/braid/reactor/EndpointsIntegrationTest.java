package org.braid.reactor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.internal.LoopFixture;
import org.braid.reactor.testing.Echo;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints from strings listening and connecting on real loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndpointsIntegrationTest {
  @TempDir Path directory;
  private LoopFixture loop;

  @BeforeEach
  void startLoop() {
    loop = LoopFixture.start();
  }

  @AfterEach
  void stopLoop() {
    loop.close();
  }

  private Reactor reactor() {
    return loop.reactor();
  }

  @Test
  void tcpEndpointsListenAndConnect() {
    ListeningPort port =
        loop.await(
            () ->
                Endpoints.serverFromString(reactor(), "tcp:0:interface=127.0.0.1")
                    .listen(Factory.forProtocol(Echo::new)));
    int number = ((InetSocketAddress) port.getHost()).getPort();

    RecordingProtocol client =
        loop.await(
            () ->
                Endpoints.clientFromString(reactor(), "tcp:host=127.0.0.1:port=" + number + ":timeout=5")
                    .connect(RecordingProtocol::new));

    assertThat(client.made).isDone();
    loop.run(() -> client.transport().write("via endpoints".getBytes(UTF_8)));
    assertThat(client.awaitReceived(13)).isEqualTo("via endpoints".getBytes(UTF_8));
  }

  @Test
  void unixEndpointsListenAndConnect() {
    Path path = directory.resolve("endpoint.sock");
    loop.await(
        () -> Endpoints.serverFromString(reactor(), "unix:" + path).listen(Factory.forProtocol(Echo::new)));

    RecordingProtocol client =
        loop.await(
            () -> Endpoints.clientFromString(reactor(), "unix:path=" + path + ":timeout=5").connect(RecordingProtocol::new));

    loop.run(() -> client.transport().write("unix".getBytes(UTF_8)));
    assertThat(client.awaitReceived(4)).isEqualTo("unix".getBytes(UTF_8));
  }

  @Test
  void connectFailsWithConnectExceptionWhenRefused() throws Exception {
    try (SocketChannel refusing = SocketChannel.open()) {
      refusing.bind(new InetSocketAddress("127.0.0.1", 0));
      int number = ((InetSocketAddress) refusing.getLocalAddress()).getPort();

      Failure failure =
          loop.awaitFailure(
              () -> Endpoints.clientFromString(reactor(), "tcp:127.0.0.1:" + number).connect(RecordingProtocol::new));

      assertThat(failure.value()).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void cancellingAConnectFailsItWithConnectingCancelled() {
    Failure failure =
        loop.awaitFailure(
            () -> {
              Deferred<RecordingProtocol> connecting =
                  Endpoints.clientFromString(reactor(), "tcp:127.0.0.1:9").connect(RecordingProtocol::new);
              connecting.cancel();
              return connecting;
            });

    assertThat(failure.value())
        .isInstanceOf(ConnectingCancelledException.class)
        .hasMessage("Connecting to 127.0.0.1:9 was cancelled");
    assertThat(loop.tracked()).isEmpty();
  }

  @Test
  void listenFailsWhenThePortIsTaken() {
    ListeningPort port =
        loop.await(
            () -> Endpoints.serverFromString(reactor(), "tcp:0:interface=127.0.0.1").listen(Factory.forProtocol(Echo::new)));
    int number = ((InetSocketAddress) port.getHost()).getPort();

    Failure failure =
        loop.awaitFailure(
            () ->
                Endpoints.serverFromString(reactor(), "tcp:" + number + ":interface=127.0.0.1")
                    .listen(Factory.forProtocol(Echo::new)));

    assertThat(failure.value())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot listen on TCP 127.0.0.1:" + number);
  }
}
