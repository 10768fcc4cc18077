package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.DatagramTransport;
import org.braid.reactor.ListeningPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP ports on 127.0.0.1: echo, a throwing protocol, stopping. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpTest {
  private LoopFixture loop;

  @BeforeEach
  void startLoop() {
    loop = LoopFixture.start();
  }

  @AfterEach
  void stopLoop() {
    loop.close();
  }

  /** Echoes every datagram back to its sender; throws on "boom". */
  static final class EchoDatagrams extends DatagramProtocol {
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final CompletableFuture<Void> stopped = new CompletableFuture<>();

    @Override
    public void startProtocol() {
      started.complete(null);
    }

    @Override
    public void datagramReceived(byte[] data, SocketAddress sender) {
      if (new String(data, UTF_8).equals("boom")) {
        throw new IllegalStateException("boom");
      }
      transport().write(data, sender);
    }

    @Override
    public void stopProtocol() {
      stopped.complete(null);
    }
  }

  /** Records what arrives. */
  static final class Collector extends DatagramProtocol {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void datagramReceived(byte[] data, SocketAddress sender) {
      received.add(new String(data, UTF_8) + " from " + ((InetSocketAddress) sender).getPort());
    }

    String next() throws InterruptedException {
      String value = received.poll(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(value).as("a datagram within %s", LoopFixture.WAIT).isNotNull();
      return value;
    }
  }

  @Test
  void datagramsAreEchoedAndAThrowingProtocolKeepsListening() throws Exception {
    EchoDatagrams echo = new EchoDatagrams();
    ListeningPort server = loop.call(() -> loop.reactor().listenUDP(0, echo, "127.0.0.1"));
    assertThat(echo.started).isDone();
    assertThat(echo.transport()).isSameAs(server);
    int serverPort = ((InetSocketAddress) server.getHost()).getPort();
    Collector collector = new Collector();
    ListeningPort client = loop.call(() -> loop.reactor().listenUDP(0, collector, "127.0.0.1"));
    DatagramTransport out = collector.transport();
    InetSocketAddress to = new InetSocketAddress("127.0.0.1", serverPort);

    loop.run(() -> out.write("ping".getBytes(UTF_8), to));
    assertThat(collector.next()).isEqualTo("ping from " + serverPort);

    loop.run(
        () -> {
          out.write("boom".getBytes(UTF_8), to);
          out.write("still there?".getBytes(UTF_8), to);
        });
    assertThat(collector.next()).isEqualTo("still there? from " + serverPort);

    loop.await(server::stopListening);
    assertThat(echo.stopped).isDone();
    loop.await(client::stopListening);
  }

  @Test
  void writesLargerThanAUdpPayloadAndWritesAfterStoppingAreRejected() {
    Collector collector = new Collector();
    ListeningPort port = loop.call(() -> loop.reactor().listenUDP(0, collector, "127.0.0.1"));
    InetSocketAddress to = (InetSocketAddress) port.getHost();

    assertThatThrownBy(() -> loop.run(() -> collector.transport().write(new byte[65_508], to)))
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("datagram length 65508 exceeds maximum 65507");
    loop.await(port::stopListening);
    assertThatThrownBy(() -> loop.run(() -> collector.transport().write(new byte[1], to)))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has stopped listening");
  }
}
