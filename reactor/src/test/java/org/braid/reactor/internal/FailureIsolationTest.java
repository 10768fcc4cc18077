package org.braid.reactor.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Connector;
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

/**
 * A protocol that throws is logged with the peer and its connection is dropped with that
 * exception as the reason; the loop and every other connection go on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureIsolationTest {
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

  /** Throws from every method it can, recording the reason it was dropped with. */
  static final class Thrower extends Protocol {
    final CompletableFuture<Failure> lost = new CompletableFuture<>();
    final RuntimeException fromConnectionMade;
    final boolean throwOnConnect;

    Thrower(boolean throwOnConnect) {
      this.throwOnConnect = throwOnConnect;
      this.fromConnectionMade = new IllegalStateException("boom in connectionMade");
    }

    @Override
    public void connectionMade() {
      if (throwOnConnect) {
        throw fromConnectionMade;
      }
    }

    @Override
    public void dataReceived(byte[] data) {
      throw new IllegalArgumentException("boom in dataReceived: " + data.length + " bytes");
    }

    @Override
    public void readConnectionLost() {
      throw new IllegalStateException("boom in readConnectionLost");
    }

    @Override
    public void writeConnectionLost() {
      throw new IllegalStateException("boom in writeConnectionLost");
    }

    @Override
    public void connectionLost(Failure reason) {
      lost.complete(reason);
      throw new IllegalStateException("boom in connectionLost");
    }

    @Override
    public String logPrefix() {
      throw new IllegalStateException("boom in logPrefix");
    }
  }

  private int listen(Factory factory) {
    ListeningPort port = loop.call(() -> loop.reactor().listenTCP(0, factory, 50, "127.0.0.1"));
    return ((InetSocketAddress) port.getHost()).getPort();
  }

  private RecordingProtocol connect(int port) {
    RecordingProtocol client = new RecordingProtocol();
    loop.run(
        () ->
            loop.reactor()
                .connectTCP("127.0.0.1", port, new RecordingClientFactory(() -> client), TIMEOUT, null));
    return client;
  }

  private void assertEchoes(RecordingProtocol client, String text) {
    int before = client.received().length;
    loop.run(() -> client.transport().write(text.getBytes(UTF_8)));
    byte[] all = client.awaitReceived(before + text.length());
    assertThat(new String(all, before, text.length(), UTF_8)).isEqualTo(text);
  }

  @Test
  void aProtocolThatThrowsEverywhereIsDroppedWithItsOwnExceptionAndOthersGoOn() {
    int echoPort = listen(Factory.forProtocol(Echo::new));
    RecordingProtocol bystander = connect(echoPort);
    bystander.awaitMade();
    List<Thrower> throwers = new ArrayList<>();
    int throwerPort =
        listen(
            Factory.forProtocol(
                () -> {
                  Thrower t = new Thrower(true);
                  synchronized (throwers) {
                    throwers.add(t);
                  }
                  return t;
                }));

    try (LogCapture log = LogCapture.of(StreamConnection.class)) {
      List<RecordingProtocol> victims = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        victims.add(connect(throwerPort));
      }
      for (RecordingProtocol victim : victims) {
        assertThat(victim.awaitLost().value()).isInstanceOf(ConnectionDone.class);
      }
      List<Thrower> built;
      synchronized (throwers) {
        built = List.copyOf(throwers);
      }
      assertThat(built).hasSize(20);
      for (Thrower t : built) {
        assertThat(LoopFixture.get(t.lost, "connectionLost").value()).isSameAs(t.fromConnectionMade);
      }
      // Read the log on the loop, after everything it logged for these connections.
      List<String> errors = loop.call(() -> log.messagesAt(Level.ERROR));
      assertThat(errors)
          .filteredOn(m -> m.contains("threw from makeConnection/connectionMade"))
          .hasSize(20)
          .allSatisfy(m -> assertThat(m).contains("127.0.0.1:" + throwerPort + " -> 127.0.0.1:"));
      assertThat(errors).filteredOn(m -> m.contains("threw from connectionLost")).hasSize(20);
    }

    // The bystander and new connections are unaffected.
    assertEchoes(bystander, "still alive");
    RecordingProtocol newcomer = connect(echoPort);
    newcomer.awaitMade();
    assertEchoes(newcomer, "and new ones too");
  }

  @Test
  void dataReceivedThatThrowsDropsTheConnectionWithThatException() {
    Thrower thrower = new Thrower(false);
    int port = listen(Factory.forProtocol(() -> thrower));
    RecordingProtocol client = connect(port);
    client.awaitMade();
    loop.run(() -> client.transport().write("12345".getBytes(UTF_8)));

    Throwable reason = LoopFixture.get(thrower.lost, "connectionLost").value();
    assertThat(reason).isInstanceOf(IllegalArgumentException.class).hasMessage("boom in dataReceived: 5 bytes");
    assertThat(client.awaitLost().value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void readConnectionLostThatThrowsDropsTheConnectionWithThatException() {
    Thrower thrower = new Thrower(false);
    int port = listen(Factory.forProtocol(() -> thrower));
    RecordingProtocol client = new RecordingProtocol(false);
    loop.run(
        () ->
            loop.reactor()
                .connectTCP("127.0.0.1", port, new RecordingClientFactory(() -> client), TIMEOUT, null));
    client.awaitMade();
    loop.run(() -> client.transport().loseWriteConnection());

    assertThat(LoopFixture.get(thrower.lost, "connectionLost").value())
        .hasMessage("boom in readConnectionLost");
  }

  @Test
  void aClientProtocolThatThrowsIsDroppedAndTheFactoryIsToldWhy() {
    int port = listen(Factory.forProtocol(Echo::new));
    Thrower thrower = new Thrower(true);
    RecordingClientFactory factory = new RecordingClientFactory(() -> thrower);
    loop.run(() -> loop.reactor().connectTCP("127.0.0.1", port, factory, TIMEOUT, null));

    Failure reason = LoopFixture.get(factory.lost, "clientConnectionLost");
    assertThat(reason.value()).isSameAs(thrower.fromConnectionMade);
    assertThat(LoopFixture.get(thrower.lost, "connectionLost").value()).isSameAs(thrower.fromConnectionMade);
  }

  @Test
  void clientFactoryHooksThatThrowAreLoggedAndTheLoopGoesOn() throws Exception {
    int echoPort = listen(Factory.forProtocol(Echo::new));
    try (java.nio.channels.SocketChannel refusing = java.nio.channels.SocketChannel.open()) {
      refusing.bind(new InetSocketAddress("127.0.0.1", 0));
      int refusedPort = ((InetSocketAddress) refusing.getLocalAddress()).getPort();
      CompletableFuture<Void> hookRan = new CompletableFuture<>();
      ClientFactory throwing =
          new ClientFactory() {
            @Override
            protected Protocol newProtocol(SocketAddress peer) {
              return new RecordingProtocol();
            }

            @Override
            public void startedConnecting(Connector connector) {
              throw new IllegalStateException("boom in startedConnecting");
            }

            @Override
            public void clientConnectionFailed(Connector connector, Failure reason) {
              hookRan.complete(null);
              throw new IllegalStateException("boom in clientConnectionFailed");
            }
          };
      try (LogCapture log = LogCapture.of(StreamConnector.class)) {
        loop.run(() -> loop.reactor().connectTCP("127.0.0.1", refusedPort, throwing, TIMEOUT, null));
        LoopFixture.get(hookRan, "clientConnectionFailed");
        assertThat(loop.call(() -> log.messagesAt(Level.ERROR)))
            .anySatisfy(m -> assertThat(m).contains("threw from startedConnecting"))
            .anySatisfy(m -> assertThat(m).contains("threw from clientConnectionFailed"));
        assertThat(loop.call(throwing::numPorts)).isZero();
      }
    }
    RecordingProtocol client = connect(echoPort);
    client.awaitMade();
    assertEchoes(client, "fine");
  }
}
