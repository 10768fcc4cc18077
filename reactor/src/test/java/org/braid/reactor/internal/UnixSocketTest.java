package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Transport;
import org.braid.reactor.testing.Echo;
import org.braid.reactor.testing.RecordingClientFactory;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unix-domain stream sockets: the same transport as TCP over a socket file. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixSocketTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

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

  private RecordingClientFactory connect(Path path, RecordingProtocol client) {
    RecordingClientFactory factory = new RecordingClientFactory(() -> client);
    loop.run(() -> loop.reactor().connectUnix(path, factory, TIMEOUT));
    return factory;
  }

  @Test
  void echoOverAUnixSocket() {
    Path path = directory.resolve("echo.sock");
    ListeningPort port = loop.call(() -> loop.reactor().listenUnix(path, Factory.forProtocol(Echo::new)));
    assertThat(port.getHost()).isEqualTo(UnixDomainSocketAddress.of(path));
    RecordingProtocol client = new RecordingProtocol();
    connect(path, client);
    Transport transport = client.awaitMade();

    loop.run(
        () -> {
          transport.write("over a socket file".getBytes(UTF_8));
          // No TCP options on a Unix socket: switching them does nothing.
          transport.setTcpNoDelay(true);
          assertThat(transport.getTcpNoDelay()).isFalse();
        });

    assertThat(client.awaitReceived(18)).isEqualTo("over a socket file".getBytes(UTF_8));
    assertThat(loop.call(transport::getPeer)).isEqualTo(UnixDomainSocketAddress.of(path));
  }

  @Test
  void halfCloseWorksOnUnixSockets() {
    Path path = directory.resolve("half.sock");
    RecordingProtocol serverSide = new Echo();
    loop.call(() -> loop.reactor().listenUnix(path, Factory.forProtocol(() -> serverSide)));
    RecordingProtocol client = new RecordingProtocol(false);
    connect(path, client);
    Transport transport = client.awaitMade();
    loop.run(
        () -> {
          transport.write("last words".getBytes(UTF_8));
          transport.loseWriteConnection();
        });

    assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(client.receivedString()).isEqualTo("last words");
    assertThat(serverSide.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(serverSide.readLost).isDone();
  }

  @Test
  void stopListeningDeletesTheSocketFile() {
    Path path = directory.resolve("gone.sock");
    ListeningPort port = loop.call(() -> loop.reactor().listenUnix(path, Factory.forProtocol(Echo::new)));
    assertThat(path).exists();

    loop.await(port::stopListening);

    assertThat(path).doesNotExist();
  }

  @Test
  void listeningWhereAFileExistsFailsAndSaysSo() throws Exception {
    Path path = Files.createFile(directory.resolve("taken.sock"));

    assertThatThrownBy(() -> loop.call(() -> loop.reactor().listenUnix(path, Factory.forProtocol(Echo::new))))
        .hasCauseInstanceOf(UncheckedIOException.class)
        .cause()
        .hasMessageStartingWith("cannot listen on Unix socket " + path)
        .hasMessageEndingWith("(a file exists at that path)");
    assertThat(path).exists();
  }

  @Test
  void connectingToAMissingSocketFileFailsWithConnectException() {
    Path path = directory.resolve("nobody.sock");
    RecordingClientFactory factory = connect(path, new RecordingProtocol());

    assertThat(LoopFixture.get(factory.failed, "clientConnectionFailed").value())
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("unix:" + path);
  }
}
