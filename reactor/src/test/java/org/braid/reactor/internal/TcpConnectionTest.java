package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.ConnectionLost;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.Transport;
import org.braid.reactor.testing.Echo;
import org.braid.reactor.testing.RecordingClientFactory;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP transport on real loopback sockets: data, closing, half-close, options. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpConnectionTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private LoopFixture loop;

  @BeforeEach
  void startLoop() {
    loop = LoopFixture.start();
  }

  @AfterEach
  void stopLoop() {
    loop.close();
  }

  private int listen(Factory factory) {
    ListeningPort port = loop.call(() -> loop.reactor().listenTCP(0, factory, 50, "127.0.0.1"));
    return ((InetSocketAddress) port.getHost()).getPort();
  }

  private <P extends Protocol> P connect(int port, P client) {
    loop.run(
        () ->
            loop.reactor()
                .connectTCP(
                    "127.0.0.1", port, new RecordingClientFactory(() -> client), CONNECT_TIMEOUT, null));
    return client;
  }

  @Test
  void echoServerSendsBackWhatTheClientWrites() {
    int port = listen(Factory.forProtocol(Echo::new));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport transport = client.awaitMade();
    loop.run(() -> transport.write("hello, world".getBytes(UTF_8)));

    assertThat(new String(client.awaitReceived(12), UTF_8)).isEqualTo("hello, world");
  }

  @Test
  void writeSequenceAndByteBufferWritesArriveInOrder() {
    int port = listen(Factory.forProtocol(Echo::new));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport transport = client.awaitMade();
    ByteBuffer buffer = ByteBuffer.wrap("cd".getBytes(UTF_8));
    loop.run(
        () -> {
          transport.writeSequence(List.of("a".getBytes(UTF_8), "b".getBytes(UTF_8)));
          transport.write(buffer);
          transport.write(new byte[0]);
          transport.write("e".getBytes(UTF_8));
        });

    assertThat(buffer.hasRemaining()).as("write(ByteBuffer) consumes the buffer").isFalse();
    assertThat(new String(client.awaitReceived(5), UTF_8)).isEqualTo("abcde");
  }

  @Test
  void loseConnectionFlushesEverythingQueuedBeforeClosingWithConnectionDone() {
    int size = 8 * 1024 * 1024;
    byte[] payload = pattern(size);
    RecordingProtocol serverSide =
        new RecordingProtocol() {
          @Override
          public void connectionMade() {
            super.connectionMade();
            transport().write(payload);
            transport().loseConnection();
            // Ignored: the connection is closing.
            transport().write("late".getBytes(UTF_8));
          }
        };
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());

    Failure clientReason = client.awaitLost();
    assertThat(client.received()).isEqualTo(payload);
    assertThat(clientReason.value()).isInstanceOf(ConnectionDone.class);
    assertThat(serverSide.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(serverSide.lostCalls).hasValue(1);
    assertThat(client.lostCalls).hasValue(1);
  }

  @Test
  void abortConnectionGivesConnectionAbortedAndThePeerSeesAReset() {
    RecordingProtocol serverSide = new RecordingProtocol();
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport transport = client.awaitMade();
    serverSide.awaitMade();
    loop.run(
        () -> {
          transport.write(new byte[1024 * 1024]);
          transport.abortConnection();
          assertThat(transport.isDisconnecting()).isTrue();
        });

    assertThat(client.awaitLost().value()).isExactlyInstanceOf(ConnectionAborted.class);
    Throwable serverReason = serverSide.awaitLost().value();
    assertThat(serverReason).isInstanceOf(ConnectionLost.class).isNotInstanceOf(ConnectionAborted.class);
    assertThat(serverReason.getCause()).as("the reset behind it").isNotNull();
  }

  @Test
  void connectionLostIsNotDeliveredInsideTheProtocolsOwnCall() {
    CompletableFuture<Boolean> lostInsideDataReceived = new CompletableFuture<>();
    RecordingProtocol serverSide =
        new RecordingProtocol() {
          private boolean inside;

          @Override
          public void dataReceived(byte[] data) {
            inside = true;
            transport().abortConnection();
            inside = false;
          }

          @Override
          public void connectionLost(Failure reason) {
            lostInsideDataReceived.complete(inside);
            super.connectionLost(reason);
          }
        };
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport transport = client.awaitMade();
    loop.run(() -> transport.write("x".getBytes(UTF_8)));

    assertThat(LoopFixture.get(lostInsideDataReceived, "connectionLost")).isFalse();
  }

  @Test
  void peerEofWithTheDefaultReadConnectionLostClosesCleanlyOnBothSides() {
    RecordingProtocol serverSide = new Echo();
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol(false));
    Transport transport = client.awaitMade();
    loop.run(
        () -> {
          transport.write("bye".getBytes(UTF_8));
          transport.loseWriteConnection();
        });

    // The server echoes, sees EOF, and its default readConnectionLost loses the connection
    // after flushing the echo.
    assertThat(new String(client.awaitReceived(3), UTF_8)).isEqualTo("bye");
    assertThat(serverSide.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    // The client had closed its writing half and now sees EOF: both halves closed.
    assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(client.writeLost).isDone();
    assertThat(client.readLost).isDone();
  }

  @Test
  void halfCloseLetsTheServerKeepWritingAfterTheClientsEof() {
    RecordingProtocol serverSide =
        new RecordingProtocol(false) {
          @Override
          public void readConnectionLost() {
            super.readConnectionLost();
            // Still allowed to write after the peer's EOF; then close.
            transport().write(("got " + new String(received(), UTF_8)).getBytes(UTF_8));
            transport().loseConnection();
          }
        };
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport transport = client.awaitMade();
    loop.run(
        () -> {
          transport.write("question".getBytes(UTF_8));
          transport.loseWriteConnection();
          transport.write("ignored after loseWriteConnection".getBytes(UTF_8));
          assertThat(transport.isDisconnecting()).isFalse();
        });

    assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    assertThat(client.receivedString()).isEqualTo("got question");
    assertThat(client.writeLost).isDone();
    assertThat(serverSide.readLost).isDone();
    assertThat(serverSide.awaitLost().value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void hostAndPeerAddressesMirrorEachOther() {
    RecordingProtocol serverSide = new RecordingProtocol();
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport clientTransport = client.awaitMade();
    Transport serverTransport = serverSide.awaitMade();

    assertThat(loop.call(clientTransport::getPeer)).isEqualTo(loop.call(serverTransport::getHost));
    assertThat(loop.call(clientTransport::getHost)).isEqualTo(loop.call(serverTransport::getPeer));
    assertThat(((InetSocketAddress) loop.call(serverTransport::getHost)).getPort()).isEqualTo(port);
  }

  @Test
  void tcpNoDelayAndKeepAliveSwitchOnAndOff() {
    int port = listen(Factory.forProtocol(Echo::new));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport t = client.awaitMade();

    loop.run(
        () -> {
          t.setTcpNoDelay(true);
          t.setTcpKeepAlive(true);
          assertThat(t.getTcpNoDelay()).isTrue();
          assertThat(t.getTcpKeepAlive()).isTrue();
          t.setTcpNoDelay(false);
          t.setTcpKeepAlive(false);
          assertThat(t.getTcpNoDelay()).isFalse();
          assertThat(t.getTcpKeepAlive()).isFalse();
        });
  }

  @Test
  void pauseProducingStopsReadingUntilResumed() {
    // More than the kernel's socket buffers can hold, even where tcp_rmem allows 32 MiB.
    int size = 48 * 1024 * 1024;
    RecordingProtocol serverSide =
        new RecordingProtocol() {
          @Override
          public void connectionMade() {
            transport().pauseProducing();
            super.connectionMade();
          }
        };
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    Transport clientTransport = client.awaitMade();
    Transport serverTransport = serverSide.awaitMade();
    loop.run(() -> clientTransport.write(pattern(size)));

    // Give the paused reader a quarter second of loop time (a timer on the loop, not a sleep):
    // nothing may be read, and the writer's queue must hold what the kernel could not take.
    CompletableFuture<long[]> afterQuarterSecond = new CompletableFuture<>();
    loop.run(
        () ->
            loop.reactor()
                .callLater(
                    Duration.ofMillis(250),
                    () ->
                        afterQuarterSecond.complete(
                            new long[] {serverSide.received().length, clientTransport.writeBufferSize()})));
    long[] observed = LoopFixture.get(afterQuarterSecond, "timer");
    assertThat(observed[0]).as("bytes read while paused").isZero();
    assertThat(observed[1]).as("bytes still queued at the writer").isPositive();

    loop.run(serverTransport::resumeProducing);
    assertThat(serverSide.awaitReceived(size)).isEqualTo(pattern(size));
  }

  @Test
  void shutdownFlushesThenClosesWithConnectionLost() {
    byte[] payload = pattern(4 * 1024 * 1024);
    RecordingProtocol serverSide =
        new RecordingProtocol() {
          @Override
          public void connectionMade() {
            super.connectionMade();
            transport().write(payload);
          }
        };
    int port = listen(Factory.forProtocol(() -> serverSide));
    RecordingProtocol client = connect(port, new RecordingProtocol());
    client.awaitMade();
    StreamConnection serverTransport = (StreamConnection) serverSide.awaitMade();

    loop.await(serverTransport::shutdown);
    Throwable reason = serverSide.awaitLost().value();
    assertThat(reason).isExactlyInstanceOf(ConnectionLost.class).hasMessageContaining("reactor shut down");
    client.awaitLost();
    assertThat(client.received()).isEqualTo(payload);
  }

  static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 11));
    }
    return bytes;
  }
}
