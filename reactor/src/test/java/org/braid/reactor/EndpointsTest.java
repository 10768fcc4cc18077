package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.testing.MemoryReactor;
import org.braid.reactor.testing.RecordingProtocol;
import org.braid.reactor.testing.StringTransport;
import org.braid.reactor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Endpoint strings (Twisted's {@code test_endpoints.py}: ServerStringTests, ClientStringTests) and
 * what the endpoints ask of the reactor, on a memory reactor.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndpointsTest {
  private final MemoryReactor reactor = new MemoryReactor(new ManualClock());

  @Test
  void tcpServerWithPositionalPortAndParameters() {
    ServerEndpoint endpoint =
        Endpoints.serverFromString(reactor, "tcp:8080:interface=127.0.0.1:backlog=7");

    assertThat(endpoint).isInstanceOfSatisfying(TcpServerEndpoint.class, tcp -> {
      assertThat(tcp.port()).isEqualTo(8080);
      assertThat(tcp.iface()).isEqualTo("127.0.0.1");
      assertThat(tcp.backlog()).isEqualTo(7);
    });
    assertThat(endpoint).hasToString("tcp:8080:interface=127.0.0.1:backlog=7");
  }

  @Test
  void tcpServerDefaultsToAllInterfacesAndBacklog50() {
    TcpServerEndpoint tcp = (TcpServerEndpoint) Endpoints.serverFromString(reactor, "tcp:port=80");

    assertThat(tcp.port()).isEqualTo(80);
    assertThat(tcp.iface()).isEmpty();
    assertThat(tcp.backlog()).isEqualTo(50);
  }

  @Test
  void backslashEscapesColonsInValues() {
    // test_endpoints.py: test_tcpServerEscapedColon-style IPv6 interface.
    TcpServerEndpoint tcp = (TcpServerEndpoint) Endpoints.serverFromString(reactor, "tcp:80:interface=\\:\\:1");

    assertThat(tcp.iface()).isEqualTo("::1");
    assertThat(tcp).hasToString("tcp:80:interface=\\:\\:1:backlog=50");
    assertThat(((TcpServerEndpoint) Endpoints.serverFromString(reactor, tcp.toString())).iface()).isEqualTo("::1");
  }

  @Test
  void unixServerTakesThePathPositionallyOrByName() {
    assertThat(((UnixServerEndpoint) Endpoints.serverFromString(reactor, "unix:/var/run/app.sock")).path())
        .isEqualTo(Path.of("/var/run/app.sock"));
    assertThat(((UnixServerEndpoint) Endpoints.serverFromString(reactor, "unix:path=/tmp/a.sock")).path())
        .isEqualTo(Path.of("/tmp/a.sock"));
    assertThat(((UnixServerEndpoint) Endpoints.serverFromString(reactor, "unix:address=/tmp/b.sock")).path())
        .isEqualTo(Path.of("/tmp/b.sock"));
  }

  @Test
  void tcpClientByNameWithTimeoutAndBindAddress() {
    TcpClientEndpoint tcp =
        (TcpClientEndpoint)
            Endpoints.clientFromString(
                reactor, "tcp:host=127.0.0.1:port=8080:timeout=2.5:bindAddress=127.0.0.2");

    assertThat(tcp.host()).isEqualTo("127.0.0.1");
    assertThat(tcp.port()).isEqualTo(8080);
    assertThat(tcp.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(tcp.bindAddress()).isEqualTo(new InetSocketAddress("127.0.0.2", 0));
    assertThat(tcp).hasToString("tcp:host=127.0.0.1:port=8080:timeout=2.5:bindAddress=127.0.0.2");
  }

  @Test
  void tcpClientPositionalHostAndPortWithTwistedsDefaultTimeout() {
    TcpClientEndpoint tcp = (TcpClientEndpoint) Endpoints.clientFromString(reactor, "tcp:example.com:80");

    assertThat(tcp.host()).isEqualTo("example.com");
    assertThat(tcp.port()).isEqualTo(80);
    assertThat(tcp.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(tcp.bindAddress()).isNull();
  }

  @Test
  void unixClientWithTimeout() {
    UnixClientEndpoint unix =
        (UnixClientEndpoint) Endpoints.clientFromString(reactor, "unix:path=/tmp/c.sock:timeout=9");

    assertThat(unix.path()).isEqualTo(Path.of("/tmp/c.sock"));
    assertThat(unix.timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(((UnixClientEndpoint) Endpoints.clientFromString(reactor, "unix:/tmp/d.sock")).path())
        .isEqualTo(Path.of("/tmp/d.sock"));
  }

  @ParameterizedTest(name = "server ''{0}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                                | endpoint description is empty: ''
          tcp                               | endpoint 'tcp': the port is missing
          tcp:                              | endpoint 'tcp:': the port is missing
          tcp:abc                           | endpoint 'tcp:abc': port 'abc' is not a number
          tcp:70000                         | endpoint 'tcp:70000': port 70000 is out of range 0..65535
          tcp:80:port=81                    | endpoint 'tcp:80:port=81': port is given twice ('80' and port='81')
          tcp:80:backlog=0                  | endpoint 'tcp:80:backlog=0': backlog 0 must be at least 1
          tcp:80:backlog=lots               | endpoint 'tcp:80:backlog=lots': backlog 'lots' is not a number
          tcp:80:bogus=1                    | endpoint 'tcp:80:bogus=1': unknown parameter 'bogus' (tcp server endpoints accept:
          tcp:80:90                         | endpoint 'tcp:80:90': unexpected argument '90' (tcp server endpoints take at most 1 without a name)
          tcp:80:interface=a=b              | endpoint 'tcp:80:interface=a=b': parameter 'interface=a=b' has more than one '='
          tcp:80:interface=1:interface=2    | endpoint 'tcp:80:interface=1:interface=2': parameter 'interface' is given twice
          tcp:80:=x                         | endpoint 'tcp:80:=x': a parameter has no name ('=x')
          ssl:443                           | endpoint 'ssl:443': unknown type 'ssl' (server types: tcp, unix)
          :80                               | endpoint ':80': the type before the first ':' is empty
          port=80                           | endpoint 'port=80': starts with the parameter 'port=...' instead of a type
          unix                              | endpoint 'unix': the path is missing
          unix:/a:address=/b                | endpoint 'unix:/a:address=/b': the path is given twice ('/a' and address='/b')
          unix:/a:mode=660                  | endpoint 'unix:/a:mode=660': unknown parameter 'mode'
          tcp:80\\                          | endpoint 'tcp:80\\': ends with a lone backslash
          """)
  void badServerStringsNameTheBadPart(String description, String message) {
    assertThatThrownBy(() -> Endpoints.serverFromString(reactor, description))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest(name = "client ''{0}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          tcp:host=h                             | endpoint 'tcp:host=h': the port is missing
          tcp:port=80                            | endpoint 'tcp:port=80': the host is missing
          tcp:h:0                                | endpoint 'tcp:h:0': port 0 is out of range 1..65535
          tcp:h:80:timeout=0                     | endpoint 'tcp:h:80:timeout=0': timeout 0 must be positive
          tcp:h:80:timeout=soon                  | endpoint 'tcp:h:80:timeout=soon': timeout 'soon' is not a number of seconds
          tcp:h:80:bindAddress=myhost            | endpoint 'tcp:h:80:bindAddress=myhost': bindAddress 'myhost' is not a literal IP address
          tcp:h:80:interface=x                   | endpoint 'tcp:h:80:interface=x': unknown parameter 'interface' (tcp client endpoints accept:
          tcp:h:80:extra                         | endpoint 'tcp:h:80:extra': unexpected argument 'extra'
          unix:timeout=3                         | endpoint 'unix:timeout=3': the path is missing
          udp:53                                 | endpoint 'udp:53': unknown type 'udp' (client types: tcp, unix)
          """)
  void badClientStringsNameTheBadPart(String description, String message) {
    assertThatThrownBy(() -> Endpoints.clientFromString(reactor, description))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void serverEndpointListensThroughTheReactor() {
    Factory factory = Factory.forProtocol(RecordingProtocol::new);

    ListeningPort port =
        successResultOf(Endpoints.serverFromString(reactor, "tcp:8080:interface=127.0.0.1").listen(factory));

    MemoryReactor.TcpServer call = reactor.tcpServers().get(0);
    assertThat(call.port()).isEqualTo(8080);
    assertThat(call.iface()).isEqualTo("127.0.0.1");
    assertThat(call.backlog()).isEqualTo(50);
    assertThat(call.factory()).isSameAs(factory);
    assertThat(port).isSameAs(call.listeningPort());
  }

  @Test
  void unixServerEndpointListensThroughTheReactor() {
    Factory factory = Factory.forProtocol(RecordingProtocol::new);

    successResultOf(Endpoints.serverFromString(reactor, "unix:/tmp/x.sock").listen(factory));

    assertThat(reactor.unixServers()).singleElement().satisfies(call -> {
      assertThat(call.path()).isEqualTo(Path.of("/tmp/x.sock"));
      assertThat(call.factory()).isSameAs(factory);
    });
  }

  @Test
  void connectFiresWithTheProtocolOnceItsConnectionMadeHasRun() {
    ClientEndpoint endpoint = Endpoints.clientFromString(reactor, "tcp:host=10.0.0.1:port=11211:timeout=5");
    RecordingProtocol protocol = new RecordingProtocol();

    Deferred<RecordingProtocol> connected = endpoint.connect(() -> protocol);

    MemoryReactor.TcpClient call = reactor.tcpClients().get(0);
    assertThat(call.host()).isEqualTo("10.0.0.1");
    assertThat(call.port()).isEqualTo(11211);
    assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertNoResult(connected);
    // Play the reactor: the connection succeeds.
    Protocol wrapper = call.factory().buildProtocol(StringTransport.DEFAULT_PEER);
    assertNoResult(connected);
    wrapper.makeConnection(new StringTransport());
    assertThat(successResultOf(connected)).isSameAs(protocol);
    assertThat(protocol.made).isDone();
    // Events reach the user's protocol.
    wrapper.dataReceived(new byte[] {1, 2});
    assertThat(protocol.received()).containsExactly(1, 2);
    wrapper.connectionLost(new Failure(new ConnectionDone()));
    assertThat(protocol.lost).isDone();
  }

  @Test
  void connectFailsWithTheConnectFailure() {
    ClientEndpoint endpoint = Endpoints.clientFromString(reactor, "tcp:10.0.0.1:80");
    Deferred<Protocol> connected = endpoint.connect(Factory.forProtocol(RecordingProtocol::new));
    ClientFactory factory = reactor.tcpClients().get(0).factory();

    ConnectException refused = new ConnectException("Connection refused");
    factory.clientConnectionFailed(reactor.tcpClients().get(0).connector(), new Failure(refused));

    assertThat(failureResultOf(connected, ConnectException.class).value()).isSameAs(refused);
  }

  @Test
  void connectFailsWithWhatConnectionMadeThrew() {
    IllegalStateException boom = new IllegalStateException("boom");
    Deferred<Protocol> connected =
        Endpoints.clientFromString(reactor, "tcp:10.0.0.1:80")
            .connect(
                Factory.forProtocol(
                    () ->
                        new Protocol() {
                          @Override
                          public void connectionMade() {
                            throw boom;
                          }
                        }));
    MemoryReactor.TcpClient call = reactor.tcpClients().get(0);
    Protocol wrapper = call.factory().buildProtocol(StringTransport.DEFAULT_PEER);

    // The transport would catch this and drop the connection with it as the reason.
    assertThatThrownBy(() -> wrapper.makeConnection(new StringTransport())).isSameAs(boom);
    call.factory().clientConnectionLost(call.connector(), new Failure(boom));

    assertThat(failureResultOf(connected, IllegalStateException.class).value()).isSameAs(boom);
  }

  @Test
  void connectFailsWhenTheFactoryBuildsNoProtocol() {
    Deferred<Protocol> connected =
        Endpoints.clientFromString(reactor, "tcp:10.0.0.1:80").connect(Factory.forProtocol(() -> null));

    assertThat(reactor.tcpClients().get(0).factory().buildProtocol(StringTransport.DEFAULT_PEER)).isNull();

    assertThat(failureResultOf(connected, IllegalStateException.class).getErrorMessage())
        .isEqualTo("factory Factory built no protocol for 192.168.1.1:54321");
  }

  @Test
  void cancellingWhileConnectingStopsTheConnector() {
    Deferred<Protocol> connected =
        Endpoints.clientFromString(reactor, "unix:/tmp/s.sock").connect(Factory.forProtocol(RecordingProtocol::new));

    connected.cancel();

    assertThat(reactor.unixClients().get(0).connector().isStoppedConnecting()).isTrue();
    failureResultOf(connected, CancelledException.class);
  }

  @Test
  void theUsersFactoryIsStartedAndStoppedWithTheAttempt() {
    int[] starts = new int[1];
    int[] stops = new int[1];
    Factory factory =
        new Factory() {
          @Override
          protected Protocol newProtocol(java.net.SocketAddress peer) {
            return new RecordingProtocol();
          }

          @Override
          protected void startFactory() {
            starts[0]++;
          }

          @Override
          protected void stopFactory() {
            stops[0]++;
          }
        };
    Endpoints.clientFromString(reactor, "tcp:10.0.0.1:80").connect(factory);
    ClientFactory wrapping = reactor.tcpClients().get(0).factory();

    // What a connector does around one attempt.
    wrapping.doStart();
    assertThat(starts[0]).isEqualTo(1);
    wrapping.doStop();
    assertThat(stops[0]).isEqualTo(1);
  }
}
