package org.braid.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.protocols.examples.LineEchoServer;
import org.braid.reactor.Connector;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.TcpClientEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnecting clients over real loopback sockets: the server is down (connections refused),
 * comes up, closes the connection, and is reached again. Short real delays; bounded waits.
 */
@Timeout(60)
class ReconnectingIntegrationTest {
  private RunningReactor running;
  private LogCapture quietService;
  private LogCapture quietFactory;

  @BeforeEach
  void start() throws Exception {
    running = RunningReactor.start();
    quietService = LogCapture.of(ClientService.class);
    quietFactory = LogCapture.of(ReconnectingClientFactory.class);
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
    quietService.close();
    quietFactory.close();
  }

  /** A port nothing listens on now (it was free a moment ago). */
  private int closedPort() throws Exception {
    ListeningPort probe = running.compute(() -> LineEchoServer.listen(running.reactor, 0, "127.0.0.1"));
    int port = ((InetSocketAddress) probe.getHost()).getPort();
    running.call(probe::stopListening);
    return port;
  }

  /** A line client that tells the test about each connection. */
  static final class Client extends LineReceiver {
    final CountDownLatch lost = new CountDownLatch(1);

    @Override
    public void lineReceived(byte[] line) {}

    @Override
    public void connectionLost(Failure reason) {
      lost.countDown();
    }
  }

  @Test
  void clientServiceConnectsOnceTheServerComesUpAndReconnectsAfterItCloses() throws Exception {
    int port = closedPort();
    TcpClientEndpoint endpoint =
        new TcpClientEndpoint(running.reactor, "127.0.0.1", port, Duration.ofSeconds(5), null);
    CountDownLatch refusedTwice = new CountDownLatch(2);
    ClientService<Client> service =
        ClientService.builder(endpoint, Client::new, running.reactor)
            .backoffPolicy(
                attempt -> {
                  refusedTwice.countDown();
                  return Duration.ofMillis(20);
                })
            .build();
    Deferred<Client>[] first = newArray();
    running.compute(
        () -> {
          service.startService();
          first[0] = service.whenConnected();
          return null;
        });
    RunningReactor.await(refusedTwice);

    ListeningPort server = running.compute(() -> LineEchoServer.listen(running.reactor, port, "127.0.0.1"));
    Client client = running.call(() -> first[0]);
    assertThat(client.transport().getPeer()).isEqualTo(new InetSocketAddress("127.0.0.1", port));
    assertThat(running.compute(service::failedAttempts)).isZero();

    // The server goes away with the connection: the service waits, retries, and is refused.
    running.call(server::stopListening);
    running.compute(
        () -> {
          client.transport().abortConnection();
          return null;
        });
    RunningReactor.await(client.lost);
    Deferred<Client> next = running.compute(service::whenConnected);
    running.compute(() -> LineEchoServer.listen(running.reactor, port, "127.0.0.1"));
    Client second = running.call(() -> next);
    assertThat(second).isNotSameAs(client);
    running.call(service::stopService);
    assertThat(running.compute(service::state)).isEqualTo(ClientService.State.STOPPED);
  }

  @SuppressWarnings("unchecked")
  private static <T> Deferred<T>[] newArray() {
    return (Deferred<T>[]) new Deferred<?>[1];
  }

  @Test
  void reconnectingClientFactoryRetriesARefusedPortUntilTheServerIsUp() throws Exception {
    int port = closedPort();
    CountDownLatch connected = new CountDownLatch(1);
    CountDownLatch refused = new CountDownLatch(2);
    ReconnectingClientFactory factory =
        new ReconnectingClientFactory(running.reactor) {
          @Override
          protected Protocol newProtocol(SocketAddress peer) {
            resetDelay();
            connected.countDown();
            return new Client();
          }

          @Override
          public void clientConnectionFailed(Connector connector, Failure reason) {
            refused.countDown();
            super.clientConnectionFailed(connector, reason);
          }
        };
    factory.setInitialDelay(Duration.ofMillis(10));
    factory.setFactor(1.0);
    factory.setJitter(0);
    running.compute(
        () -> running.reactor.connectTCP("127.0.0.1", port, factory, Duration.ofSeconds(5), null));
    RunningReactor.await(refused);
    running.compute(() -> LineEchoServer.listen(running.reactor, port, "127.0.0.1"));
    RunningReactor.await(connected);
    running.compute(
        () -> {
          factory.stopTrying();
          factory.connector().disconnect();
          return null;
        });
    assertThat(running.compute(factory::retries)).isZero();
  }
}
