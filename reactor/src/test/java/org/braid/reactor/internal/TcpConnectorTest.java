package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.ConnectTimeoutException;
import org.braid.reactor.ConnectingCancelledException;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Connector;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Echo;
import org.braid.reactor.testing.RecordingClientFactory;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client connector: refused, timed out, stopped, reconnecting, and the factory's start/stop
 * bookkeeping (twisted-semantics 4.2). Real loopback sockets; the timeout path also with a manual
 * clock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpConnectorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A bound socket that does not listen: connections to its port are refused, and no one else can take the port meanwhile. */
  private static SocketChannel refusingSocket() throws IOException {
    SocketChannel bound = SocketChannel.open();
    bound.bind(new InetSocketAddress("127.0.0.1", 0));
    return bound;
  }

  private static int portOf(java.net.SocketAddress address) {
    return ((InetSocketAddress) address).getPort();
  }

  @Test
  void refusedConnectionFailsWithConnectExceptionAndStopsTheFactory() throws Exception {
    try (LoopFixture loop = LoopFixture.start();
        SocketChannel refusing = refusingSocket()) {
      RecordingClientFactory factory = new RecordingClientFactory(RecordingProtocol::new);
      loop.run(
          () ->
              loop.reactor()
                  .connectTCP("127.0.0.1", portOf(refusing.getLocalAddress()), factory, TIMEOUT, null));

      Failure reason = LoopFixture.get(factory.failed, "clientConnectionFailed");
      assertThat(reason.value()).isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1");
      assertThat(factory.started).hasValue(1);
      assertThat(factory.factoryStarts).hasValue(1);
      assertThat(loop.call(factory::numPorts)).isZero();
      assertThat(factory.factoryStops).hasValue(1);
      assertThat(loop.tracked()).isEmpty();
    }
  }

  @Test
  void factoryThatReconnectsFromClientConnectionFailedStaysStartedUntilItGivesUp() throws Exception {
    // test_internet.py / tcp connector: doStop only when the factory did not call connect() again.
    try (LoopFixture loop = LoopFixture.start();
        SocketChannel refusing = refusingSocket()) {
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger stopsSeenWhileRetrying = new AtomicInteger();
      CompletableFuture<Void> gaveUp = new CompletableFuture<>();
      RecordingClientFactory factory =
          new RecordingClientFactory(RecordingProtocol::new) {
            @Override
            public void clientConnectionFailed(Connector connector, Failure reason) {
              stopsSeenWhileRetrying.set(factoryStops.get());
              if (failures.incrementAndGet() < 3) {
                connector.connect();
              } else {
                gaveUp.complete(null);
              }
            }
          };
      loop.run(
          () ->
              loop.reactor()
                  .connectTCP("127.0.0.1", portOf(refusing.getLocalAddress()), factory, TIMEOUT, null));

      LoopFixture.get(gaveUp, "third failure");
      assertThat(failures).hasValue(3);
      assertThat(factory.started).hasValue(3);
      assertThat(factory.factoryStarts).hasValue(1);
      assertThat(stopsSeenWhileRetrying).hasValue(0);
      assertThat(loop.call(factory::numPorts)).isZero();
      assertThat(factory.factoryStops).hasValue(1);
    }
  }

  @Test
  void connectTimesOutAgainstAListenerWhoseBacklogIsFull() throws Exception {
    // Real time, honestly: a listener that never accepts and whose accept queue is full makes the
    // kernel drop our SYN, so the attempt hangs until our timeout fires.
    try (LoopFixture loop = LoopFixture.start();
        ServerSocketChannel full = ServerSocketChannel.open()) {
      full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      List<Socket> fillers = fillAcceptQueue((InetSocketAddress) full.getLocalAddress());
      try {
        RecordingClientFactory factory = new RecordingClientFactory(RecordingProtocol::new);
        loop.run(
            () ->
                loop.reactor()
                    .connectTCP(
                        "127.0.0.1",
                        portOf(full.getLocalAddress()),
                        factory,
                        Duration.ofMillis(300),
                        null));

        Failure reason = LoopFixture.get(factory.failed, "clientConnectionFailed");
        assertThat(reason.value())
            .isInstanceOf(ConnectTimeoutException.class)
            .hasMessageContaining("timed out after 300 ms");
        assertThat(loop.tracked()).isEmpty();
      } finally {
        for (Socket filler : fillers) {
          filler.close();
        }
      }
    }
  }

  /** Connects until a connect times out: the listener's accept queue is then full. */
  private static List<Socket> fillAcceptQueue(InetSocketAddress address) throws IOException {
    List<Socket> fillers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      Socket socket = new Socket();
      fillers.add(socket);
      try {
        socket.connect(address, 200);
      } catch (SocketTimeoutException e) {
        return fillers;
      }
    }
    throw new AssertionError("the accept queue never filled after 64 connections");
  }

  @Test
  void connectTimeoutFiresOnTheReactorClock() throws Exception {
    // Deterministic: the manual loop never selects, so the attempt can only end by its timeout.
    try (ManualLoop loop = new ManualLoop();
        ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      RecordingClientFactory factory = new RecordingClientFactory(RecordingProtocol::new);
      Connector connector =
          Tcp.connect(loop, "127.0.0.1", portOf(server.getLocalAddress()), factory, Duration.ofSeconds(5), null);
      loop.clock.advance(Duration.ZERO); // the attempt begins on the next pass
      loop.clock.advance(Duration.ofMillis(4999));
      assertThat(factory.failed).isNotDone();

      loop.clock.advance(Duration.ofMillis(1));
      assertThat(factory.failed.getNow(null).value())
          .isInstanceOf(ConnectTimeoutException.class)
          .hasMessage(
              "connecting to 127.0.0.1:" + portOf(server.getLocalAddress()) + " timed out after 5000 ms");
      assertThat(loop.tracked).isEmpty();
      assertThat(loop.clock.getDelayedCalls()).isEmpty();
      assertThat(factory.factoryStops).hasValue(1);
      assertThatThrownBy(connector::stopConnecting)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was not connecting")
          .hasMessageContaining("DISCONNECTED");
    }
  }

  @Test
  void stopConnectingFailsTheAttemptWithConnectingCancelledAndCancelsTheTimeout() throws Exception {
    try (ManualLoop loop = new ManualLoop()) {
      RecordingClientFactory factory = new RecordingClientFactory(RecordingProtocol::new);
      Connector connector = Tcp.connect(loop, "127.0.0.1", 9, factory, Duration.ofSeconds(5), null);
      assertThatThrownBy(connector::connect)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("can't connect in state CONNECTING");

      connector.stopConnecting();

      assertThat(factory.failed.getNow(null).value())
          .isInstanceOf(ConnectingCancelledException.class)
          .hasMessage("Connecting to 127.0.0.1:9 was cancelled");
      loop.clock.advance(Duration.ofSeconds(10));
      assertThat(loop.clock.getDelayedCalls()).isEmpty();
      assertThat(loop.tracked).isEmpty();
      assertThat(factory.factoryStarts).hasValue(1);
      assertThat(factory.factoryStops).hasValue(1);
    }
  }

  @Test
  void disconnectLosesAnEstablishedConnectionAndTellsClientConnectionLost() throws Exception {
    try (LoopFixture loop = LoopFixture.start()) {
      ListeningPort port =
          loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(Echo::new), 50, "127.0.0.1"));
      RecordingProtocol client = new RecordingProtocol();
      RecordingClientFactory factory = new RecordingClientFactory(() -> client);
      Connector connector =
          loop.call(
              () -> loop.reactor().connectTCP("127.0.0.1", portOf(port.getHost()), factory, TIMEOUT, null));
      client.awaitMade();
      assertThat(loop.call(connector::getDestination))
          .isEqualTo(new InetSocketAddress("127.0.0.1", portOf(port.getHost())));

      loop.run(connector::disconnect);

      assertThat(LoopFixture.get(factory.lost, "clientConnectionLost").value())
          .isInstanceOf(ConnectionDone.class);
      assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
      // Read on the loop: doStop runs right after clientConnectionLost returns.
      assertThat(loop.call(factory.factoryStops::get)).isEqualTo(1);
    }
  }

  @Test
  void hostNamesAreResolvedOffTheReactorThreadAndConnect() throws Exception {
    try (LoopFixture loop = LoopFixture.start()) {
      ListeningPort port =
          loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(Echo::new), 50, "127.0.0.1"));
      RecordingProtocol client = new RecordingProtocol();
      Connector connector =
          loop.call(
              () ->
                  loop.reactor()
                      .connectTCP(
                          "localhost",
                          portOf(port.getHost()),
                          new RecordingClientFactory(() -> client),
                          TIMEOUT,
                          null));
      client.awaitMade();
      assertThat(loop.call(connector::getDestination))
          .isEqualTo(InetSocketAddress.createUnresolved("localhost", portOf(port.getHost())));
      loop.run(() -> client.transport().write("ok".getBytes(UTF_8)));
      assertThat(client.awaitReceived(2)).isEqualTo("ok".getBytes(UTF_8));
    }
  }

  @Test
  void bindAddressSetsTheClientsLocalAddress() throws Exception {
    try (LoopFixture loop = LoopFixture.start()) {
      RecordingProtocol serverSide = new RecordingProtocol();
      ListeningPort port =
          loop.call(
              () -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> serverSide), 50, "127.0.0.1"));
      InetSocketAddress local;
      try (SocketChannel probe = SocketChannel.open()) {
        probe.bind(new InetSocketAddress("127.0.0.1", 0));
        local = (InetSocketAddress) probe.getLocalAddress();
      }
      InetSocketAddress bind = local;
      loop.run(
          () ->
              loop.reactor()
                  .connectTCP(
                      "127.0.0.1",
                      portOf(port.getHost()),
                      new RecordingClientFactory(RecordingProtocol::new),
                      TIMEOUT,
                      bind));

      serverSide.awaitMade();
      assertThat(loop.call(() -> serverSide.transport().getPeer())).isEqualTo(bind);
    }
  }

  @Test
  void aFactoryThatBuildsNoProtocolGetsAConnectionThatClosesAtOnce() throws Exception {
    try (LoopFixture loop = LoopFixture.start()) {
      RecordingProtocol serverSide = new RecordingProtocol();
      ListeningPort port =
          loop.call(
              () -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> serverSide), 50, "127.0.0.1"));
      CompletableFuture<Failure> lost = new CompletableFuture<>();
      ClientFactory refusing =
          new ClientFactory() {
            @Override
            protected Protocol newProtocol(java.net.SocketAddress peer) {
              return null;
            }

            @Override
            public void clientConnectionLost(Connector connector, Failure reason) {
              lost.complete(reason);
            }
          };
      loop.run(
          () -> loop.reactor().connectTCP("127.0.0.1", portOf(port.getHost()), refusing, TIMEOUT, null));

      assertThat(LoopFixture.get(lost, "clientConnectionLost").value()).isInstanceOf(ConnectionDone.class);
      assertThat(serverSide.awaitLost().value()).isInstanceOf(ConnectionDone.class);
    }
  }

  @Test
  void badArgumentsAreRejectedWithTheValue() throws Exception {
    try (ManualLoop loop = new ManualLoop()) {
      ClientFactory factory = ClientFactory.forProtocol(RecordingProtocol::new);
      assertThatThrownBy(() -> Tcp.connect(loop, "127.0.0.1", 0, factory, TIMEOUT, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("port must be in 1..65535: 0");
      assertThatThrownBy(() -> Tcp.connect(loop, "127.0.0.1", 80, factory, Duration.ZERO, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("connect timeout must be positive: PT0S");
      assertThatThrownBy(() -> Tcp.listen(loop, 70000, Factory.forProtocol(Echo::new), 50, ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("port must be in 0..65535: 70000");
    }
  }
}
