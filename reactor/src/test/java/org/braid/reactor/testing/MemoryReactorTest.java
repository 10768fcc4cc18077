package org.braid.reactor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.TriggerId;
import org.braid.reactor.TriggerPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The recording reactor. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MemoryReactorTest {
  private final ManualClock clock = new ManualClock();
  private final MemoryReactor reactor = new MemoryReactor(clock);

  @Test
  void listenTcpIsRecordedWithItsArgumentsAndReturnsAPortWithAnAddress() {
    Factory factory = Factory.forProtocol(RecordingProtocol::new);

    ListeningPort port = reactor.listenTCP(8080, factory, 7, "127.0.0.1");
    ListeningPort any = reactor.listenTCP(0, factory, 50, "");

    assertThat(reactor.tcpServers())
        .containsExactly(
            new MemoryReactor.TcpServer(8080, factory, 7, "127.0.0.1", (MemoryListeningPort) port),
            new MemoryReactor.TcpServer(0, factory, 50, "", (MemoryListeningPort) any));
    assertThat(port.getHost()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(any.getHost()).isEqualTo(new InetSocketAddress("0.0.0.0", MemoryReactor.FIRST_ASSIGNED_PORT));
    assertThat(factory.numPorts()).as("the factory is not started").isZero();
    assertThat(successResultOf(port.stopListening())).isNull();
    assertThat(((MemoryListeningPort) port).isListening()).isFalse();
  }

  @Test
  void connectTcpIsRecordedAndTellsTheFactoryStartedConnecting() {
    List<Connector> started = new ArrayList<>();
    ClientFactory factory =
        new ClientFactory() {
          @Override
          protected org.braid.reactor.Protocol newProtocol(java.net.SocketAddress peer) {
            return new RecordingProtocol();
          }

          @Override
          public void startedConnecting(Connector connector) {
            started.add(connector);
          }
        };
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);

    Connector connector = reactor.connectTCP("example.com", 80, factory, Duration.ofSeconds(3), bind);

    MemoryReactor.TcpClient call = reactor.tcpClients().get(0);
    assertThat(call.host()).isEqualTo("example.com");
    assertThat(call.port()).isEqualTo(80);
    assertThat(call.factory()).isSameAs(factory);
    assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(call.bindAddress()).isEqualTo(bind);
    assertThat(call.connector()).isSameAs(connector);
    assertThat(started).containsExactly(connector);
    assertThat(connector.getDestination()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 80));
    connector.connect();
    connector.disconnect();
    assertThat(call.connector().connectCalls()).isEqualTo(1);
    assertThat(call.connector().isDisconnected()).isTrue();
    assertThat(call.connector().isStoppedConnecting()).isFalse();
  }

  @Test
  void unixAndUdpCallsAreRecorded() {
    Factory factory = Factory.forProtocol(RecordingProtocol::new);
    ClientFactory client = ClientFactory.forProtocol(RecordingProtocol::new);
    DatagramProtocol datagrams =
        new DatagramProtocol() {
          @Override
          public void datagramReceived(byte[] data, java.net.SocketAddress sender) {}
        };

    ListeningPort unixPort = reactor.listenUnix(Path.of("/tmp/s"), factory);
    Connector unixConnector = reactor.connectUnix(Path.of("/tmp/s"), client, Duration.ofSeconds(1));
    reactor.listenUDP(5353, datagrams, "127.0.0.1");

    assertThat(unixPort.getHost()).isEqualTo(UnixDomainSocketAddress.of("/tmp/s"));
    assertThat(reactor.unixServers()).singleElement().extracting(MemoryReactor.UnixServer::path).isEqualTo(Path.of("/tmp/s"));
    assertThat(reactor.unixClients()).singleElement().satisfies(call -> {
      assertThat(call.factory()).isSameAs(client);
      assertThat(call.connector()).isSameAs(unixConnector);
      assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(1));
    });
    assertThat(reactor.udpServers()).singleElement().satisfies(call -> {
      assertThat(call.port()).isEqualTo(5353);
      assertThat(call.protocol()).isSameAs(datagrams);
      assertThat(call.listeningPort().getHost()).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    });
    assertThat(datagrams.transport()).as("the protocol is not started").isNull();
  }

  @Test
  void timeDelegatesToTheInjectedClock() {
    List<String> ran = new ArrayList<>();
    reactor.callLater(Duration.ofSeconds(2), () -> ran.add("later"));

    assertThat(reactor.getDelayedCalls()).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).containsExactly("later");
    assertThat(reactor.now()).isEqualTo(Duration.ofSeconds(2));
    Deferred<String> slept = reactor.deferLater(Duration.ofSeconds(1), () -> "done");
    assertNoResult(slept);
    clock.advance(Duration.ofSeconds(1));
    assertThat(successResultOf(slept)).isEqualTo("done");
  }

  @Test
  void callFromThreadRunsOnTheNextRunPendingInOrder() throws Exception {
    List<String> ran = new ArrayList<>();
    Thread other = new Thread(() -> reactor.callFromThread(() -> ran.add("from other thread")));
    other.start();
    other.join(10_000);
    reactor.callFromThread(() -> ran.add("second"));
    reactor.callFromThread(() -> reactor.callFromThread(() -> ran.add("queued while running")));
    assertThat(ran).isEmpty();

    assertThat(reactor.runPending()).isEqualTo(3);
    assertThat(ran).containsExactly("from other thread", "second");
    reactor.runPending();
    assertThat(ran).containsExactly("from other thread", "second", "queued while running");
    assertThat(reactor.isInReactorThread()).isTrue();
  }

  @Test
  void deferToThreadRunsTheCallableAtRunPendingAndFires() {
    Deferred<Integer> answer = reactor.deferToThread(() -> 42);
    Deferred<Object> broken =
        reactor.deferToThread(
            () -> {
              throw new IllegalStateException("nope");
            });
    assertNoResult(answer);

    reactor.runPending();

    assertThat(successResultOf(answer)).isEqualTo(42);
    assertThat(failureResultOf(broken, IllegalStateException.class).getErrorMessage()).isEqualTo("nope");
  }

  @Test
  void runFiresStartupAndWhenRunningCallsAndStopFiresShutdown() {
    List<String> events = new ArrayList<>();
    reactor.addSystemEventTrigger(TriggerPhase.AFTER, "startup", () -> events.add("after startup"));
    reactor.callWhenRunning(() -> events.add("when running"));
    reactor.addSystemEventTrigger(TriggerPhase.BEFORE, "shutdown", () -> events.add("before shutdown"));
    assertThat(reactor.isRunning()).isFalse();

    reactor.run();
    assertThat(reactor.isRunning()).isTrue();
    reactor.callWhenRunning(() -> events.add("at once"));
    reactor.stop();

    assertThat(events).containsExactly("after startup", "when running", "at once", "before shutdown");
    assertThat(reactor.hasStopped()).isTrue();
    assertThatThrownBy(reactor::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Can't stop reactor that isn't running");
    assertThatThrownBy(reactor::run).hasMessageContaining("not restartable");
  }

  @Test
  void duringAndAfterTriggersWaitForTheDeferredsOfBeforeTriggers() {
    // test_core.py: test_beforePhaseDeferred-style ordering.
    List<String> events = new ArrayList<>();
    Deferred<Void> gate = new Deferred<>();
    reactor.addSystemEventTriggerDeferring(TriggerPhase.BEFORE, "custom", () -> gate);
    reactor.addSystemEventTrigger(TriggerPhase.DURING, "custom", () -> events.add("during"));
    reactor.addSystemEventTrigger(TriggerPhase.AFTER, "custom", () -> events.add("after"));
    TriggerId removed = reactor.addSystemEventTrigger(TriggerPhase.AFTER, "custom", () -> events.add("removed"));
    reactor.removeSystemEventTrigger(removed);

    reactor.fireSystemEvent("custom");
    assertThat(events).isEmpty();
    gate.callback(null);

    assertThat(events).containsExactly("during", "after");
    assertThatThrownBy(() -> reactor.removeSystemEventTrigger(removed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no pending system event trigger");
  }

  @Test
  void aThrowingTriggerIsLoggedAndTheOthersRun() {
    List<String> events = new ArrayList<>();
    reactor.addSystemEventTrigger(
        TriggerPhase.DURING,
        "e",
        () -> {
          throw new IllegalStateException("trigger failed");
        });
    reactor.addSystemEventTrigger(TriggerPhase.DURING, "e", () -> events.add("second"));

    reactor.fireSystemEvent("e");

    assertThat(events).containsExactly("second");
  }

  @Test
  void isInReactorThreadIsFalseElsewhere() throws Exception {
    CompletableFuture<Boolean> elsewhere = new CompletableFuture<>();
    Thread other = new Thread(() -> elsewhere.complete(reactor.isInReactorThread()));
    other.start();
    other.join(10_000);
    assertThat(elsewhere.join()).isFalse();
  }
}
