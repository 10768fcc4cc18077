package org.braid.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;

import ch.qos.logback.classic.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.protocols.ClientService.State;
import org.braid.protocols.ClientServiceTransitions.Event;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.Protocol;
import org.braid.reactor.TcpClientEndpoint;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryReactor;
import org.braid.reactor.testing.ReactorAssertions;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ClientService against a scripted server (refuse, accept, accept then close, never answer) on
 * the manual clock, so every delay is exact (test_internet.py in twisted.application:
 * ClientServiceTests).
 */
class ClientServiceTest {
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);

  private final ManualClock clock = new ManualClock();

  @AfterEach
  void nothingLeftBehind() {
    ReactorAssertions.assertClean(clock);
  }

  /** The user's protocol. */
  static final class Client extends Protocol {
    final List<Failure> lost = new ArrayList<>();

    @Override
    public void connectionLost(Failure reason) {
      lost.add(reason);
    }
  }

  /** What the scripted server does with the next attempt. */
  enum Policy {
    REFUSE,
    ACCEPT,
    NEVER_ANSWER
  }

  /** A connect function with named failure modes; records every attempt. */
  static final class ScriptedServer implements ClientEndpoint {
    final Deque<Policy> script = new ArrayDeque<>();
    Policy otherwise = Policy.REFUSE;
    int attempts;
    final List<Protocol> built = new ArrayList<>();
    final List<StringTransport> transports = new ArrayList<>();
    final List<Deferred<Protocol>> pending = new ArrayList<>();
    int cancelled;
    boolean disconnectSynchronously = true;

    ScriptedServer then(Policy... policies) {
      script.addAll(List.of(policies));
      return this;
    }

    @Override
    public Deferred<Protocol> connect(Factory factory) {
      attempts++;
      Policy policy = script.isEmpty() ? otherwise : script.poll();
      switch (policy) {
        case REFUSE -> {
          return Deferred.fail(new ConnectException("Connection refused: attempt " + attempts));
        }
        case ACCEPT -> {
          Protocol p = factory.buildProtocol(SERVER);
          StringTransport t =
              disconnectSynchronously ? StringTransport.withDisconnection(p) : new StringTransport();
          p.makeConnection(t);
          built.add(p);
          transports.add(t);
          return Deferred.succeed(p);
        }
        default -> {
          Deferred<Protocol> d = new Deferred<>(c -> cancelled++);
          pending.add(d);
          return d;
        }
      }
    }

    /** The server closes the last accepted connection. */
    void closeLast() {
      transports.get(transports.size() - 1).loseConnection();
    }
  }

  private final ScriptedServer server = new ScriptedServer();

  /** Twisted's default policy with a fixed jitter of 0.25 s. */
  private static final BackoffPolicy POLICY = BackoffPolicy.twistedDefault(() -> 0.25);

  private ClientService<Client> service() {
    return ClientService.builder(server, Client::new, clock)
        .backoffPolicy(POLICY)
        .describedAs("scripted server")
        .build();
  }

  private Duration nextRetryIn() {
    assertThat(clock.getDelayedCalls()).hasSize(1);
    return clock.getDelayedCalls().get(0).getTime().minus(clock.now());
  }

  @Test
  void connectsAndWhenConnectedFiresWithTheUsersProtocol() {
    server.then(Policy.ACCEPT);
    ClientService<Client> service = service();
    Deferred<Client> early = service.whenConnected();
    assertNoResult(early);
    service.startService();
    Client client = successResultOf(early);
    assertThat(client).isInstanceOf(Client.class);
    assertThat(client.transport()).isSameAs(server.transports.get(0));
    assertThat(successResultOf(service.whenConnected())).isSameAs(client);
    assertThat(service.state()).isEqualTo(State.CONNECTED);
    successResultOf(service.stopService());
  }

  @Test
  void refusedAttemptsAreRetriedAfterExactlyThePolicysDelays() {
    server.then(Policy.REFUSE, Policy.REFUSE, Policy.REFUSE, Policy.ACCEPT);
    ClientService<Client> service = service();
    Deferred<Client> connected = service.whenConnected();
    service.startService();
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(service.state()).isEqualTo(State.WAITING);
      assertThat(service.failedAttempts()).isEqualTo(attempt);
      assertThat(nextRetryIn()).as("wait after failure %d", attempt).isEqualTo(POLICY.delay(attempt));
      clock.advance(nextRetryIn());
    }
    // 1.5 + 0.25, 2.25 + 0.25, 3.375 + 0.25 seconds: Twisted's default policy.
    assertThat(POLICY.delay(1)).isEqualTo(Duration.ofMillis(1750));
    assertThat(POLICY.delay(3)).isEqualTo(Duration.ofMillis(3625));
    assertThat(server.attempts).isEqualTo(4);
    assertThat(successResultOf(connected)).isNotNull();
    assertThat(service.failedAttempts()).isZero();
    successResultOf(service.stopService());
  }

  @Test
  void aLostConnectionReconnectsAfterTheFirstDelayAndTheServerComingBackResetsTheCount() {
    server.then(Policy.ACCEPT, Policy.REFUSE, Policy.REFUSE, Policy.ACCEPT, Policy.ACCEPT);
    ClientService<Client> service = service();
    service.startService();
    Client first = successResultOf(service.whenConnected());

    server.closeLast(); // accepts then closes
    assertThat(first.lost).hasSize(1);
    assertThat(service.state()).isEqualTo(State.WAITING);
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(1));
    Deferred<Client> next = service.whenConnected();
    clock.advance(nextRetryIn()); // refused
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(2));
    clock.advance(nextRetryIn()); // refused
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(3));
    clock.advance(nextRetryIn()); // comes back
    Client second = successResultOf(next);
    assertThat(second).isNotSameAs(first);

    server.closeLast();
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(1));
    clock.advance(nextRetryIn());
    assertThat(service.state()).isEqualTo(State.CONNECTED);
    successResultOf(service.stopService());
  }

  @Test
  void whenConnectedWithFailAfterFailuresFailsWithTheLastFailureAfterThatMany() {
    // twisted.application test_internet.py: test_whenConnectedFailsAfterFailures
    ClientService<Client> service = service();
    Deferred<Client> patient = service.whenConnected();
    Deferred<Client> afterOne = service.whenConnected(1);
    Deferred<Client> afterTwo = service.whenConnected(2);
    service.startService(); // refused: attempt 1
    assertThat(failureResultOf(afterOne, ConnectException.class).getErrorMessage())
        .isEqualTo("Connection refused: attempt 1");
    assertNoResult(afterTwo);
    clock.advance(nextRetryIn()); // refused: attempt 2
    assertThat(failureResultOf(afterTwo, ConnectException.class).getErrorMessage())
        .isEqualTo("Connection refused: attempt 2");
    Deferred<Client> fromNow = service.whenConnected(1);
    assertNoResult(fromNow);
    assertNoResult(patient);
    server.then(Policy.ACCEPT);
    clock.advance(nextRetryIn());
    assertThat(successResultOf(fromNow)).isSameAs(successResultOf(patient));
    successResultOf(service.stopService());
  }

  @Test
  void stopWhileWaitingCancelsTheRetryAndFailsWaiters() {
    ClientService<Client> service = service();
    service.startService();
    Deferred<Client> waiting = service.whenConnected();
    Deferred<Void> stopped = service.stopService();
    successResultOf(stopped);
    failureResultOf(waiting, CancelledException.class);
    assertThat(service.state()).isEqualTo(State.STOPPED);
    assertThat(clock.getDelayedCalls()).isEmpty();
    clock.advance(Duration.ofMinutes(5));
    assertThat(server.attempts).isEqualTo(1);
  }

  @Test
  void stopWhileConnectingCancelsThePendingAttempt() {
    server.then(Policy.NEVER_ANSWER);
    ClientService<Client> service = service();
    service.startService();
    assertThat(service.state()).isEqualTo(State.CONNECTING);
    Deferred<Client> waiting = service.whenConnected();
    Deferred<Void> stopped = service.stopService();
    assertThat(server.cancelled).isEqualTo(1);
    successResultOf(stopped);
    failureResultOf(waiting, CancelledException.class);
    assertThat(service.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void stopWhileConnectedClosesTheConnectionAndFiresOnceItIsClosed() {
    server.disconnectSynchronously = false;
    server.then(Policy.ACCEPT);
    ClientService<Client> service = service();
    service.startService();
    Client client = successResultOf(service.whenConnected());
    Deferred<Void> stopped = service.stopService();
    assertThat(server.transports.get(0).isDisconnecting()).isTrue();
    assertThat(service.state()).isEqualTo(State.DISCONNECTING);
    assertNoResult(stopped);
    Deferred<Void> stoppedAgain = service.stopService();

    server.built.get(0).connectionLost(new Failure(new ConnectionDone()));
    successResultOf(stopped);
    successResultOf(stoppedAgain);
    assertThat(client.lost).hasSize(1);
    assertThat(service.state()).isEqualTo(State.STOPPED);
    assertThat(clock.getDelayedCalls()).isEmpty();
  }

  @Test
  void startingAgainWhileDisconnectingReconnectsOnceTheOldConnectionIsClosed() {
    // Twisted: _disconnecting.upon(start, enter=_restarting)
    server.disconnectSynchronously = false;
    server.then(Policy.ACCEPT, Policy.ACCEPT);
    ClientService<Client> service = service();
    service.startService();
    Client first = successResultOf(service.whenConnected());
    Deferred<Void> stopped = service.stopService();
    service.startService();
    assertThat(service.state()).isEqualTo(State.RESTARTING);
    Deferred<Client> next = service.whenConnected();
    server.built.get(0).connectionLost(new Failure(new ConnectionDone()));
    successResultOf(stopped);
    assertThat(successResultOf(next)).isNotSameAs(first);
    assertThat(service.state()).isEqualTo(State.CONNECTED);
    service.stopService();
    server.built.get(1).connectionLost(new Failure(new ConnectionDone()));
    assertThat(service.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void aStoppedServiceAnswersAtOnceAndCanBeStartedAgain() {
    ClientService<Client> service = service();
    successResultOf(service.stopService()); // never started
    failureResultOf(service.whenConnected(), CancelledException.class);
    successResultOf(service.stopService());
    server.then(Policy.ACCEPT);
    service.startService();
    assertThat(service.state()).isEqualTo(State.CONNECTED);
    successResultOf(service.stopService());
  }

  @Test
  void startingTwiceWarnsAndDoesNothing() {
    try (LogCapture log = LogCapture.of(ClientService.class)) {
      ClientService<Client> service = service();
      service.startService();
      service.startService();
      assertThat(server.attempts).isEqualTo(1);
      assertThat(log.messagesAt(Level.WARN))
          .containsExactly("scripted server: startService called while already running (WAITING)");
      successResultOf(service.stopService());
    }
  }

  @Test
  void stateChangesAreLoggedAtDebug() {
    try (LogCapture log = LogCapture.of(ClientService.class)) {
      ClientService<Client> service = service();
      service.startService();
      successResultOf(service.stopService());
      assertThat(log.messagesAt(Level.DEBUG))
          .contains(
              "scripted server: INITIAL --START--> CONNECTING [CONNECT]",
              "scripted server: CONNECTING --CONNECTION_FAILED--> WAITING [SCHEDULE_RETRY, DELIVER_FAILURE]",
              "scripted server: WAITING --STOP--> STOPPED [AWAIT_STOP, CANCEL_WAITERS, STOP_RETRYING, FINISH_STOPPING]");
      assertThat(log.messagesAt(Level.INFO))
          .containsExactly(
              "scripted server: scheduling retry 1 in PT1.75S (java.net.ConnectException: Connection refused: attempt 1)");
    }
  }

  @Test
  void aConnectionIsUsedOnlyOncePreparedAndAFailedPreparationCountsAsAFailedAttempt() {
    // twisted.application test_internet.py: test_prepareConnection*
    server.disconnectSynchronously = false;
    server.then(Policy.ACCEPT, Policy.ACCEPT);
    List<Deferred<String>> preparations = new ArrayList<>();
    ClientService<Client> service =
        ClientService.builder(server, Client::new, clock)
            .backoffPolicy(POLICY)
            .prepareConnection(
                client -> {
                  Deferred<String> d = new Deferred<>();
                  preparations.add(d);
                  return d;
                })
            .build();
    Deferred<Client> connected = service.whenConnected();
    service.startService();
    assertThat(preparations).hasSize(1);
    assertNoResult(connected);
    preparations.get(0).errback(new IllegalStateException("login refused"));
    assertThat(server.transports.get(0).isDisconnecting()).isTrue();
    assertThat(service.state()).isEqualTo(State.WAITING);
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(1));
    // The rejected connection closing later is not mistaken for the service's connection.
    server.built.get(0).connectionLost(new Failure(new ConnectionDone()));
    assertThat(service.state()).isEqualTo(State.WAITING);

    clock.advance(nextRetryIn());
    preparations.get(1).callback("welcome");
    assertThat(successResultOf(connected).transport()).isSameAs(server.transports.get(1));
    service.stopService();
    server.built.get(1).connectionLost(new Failure(new ConnectionDone()));
    assertThat(service.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void anEndpointThatFiresWithAForeignProtocolIsAFailedAttempt() {
    ClientEndpoint rogue = factory -> Deferred.succeed(new Client());
    ClientService<Client> service =
        ClientService.builder(rogue, Client::new, clock).backoffPolicy(POLICY).build();
    Deferred<Client> d = service.whenConnected(1);
    service.startService();
    assertThat(failureResultOf(d, IllegalStateException.class).getErrorMessage())
        .contains("not the protocol built by the factory it was given");
    successResultOf(service.stopService());
  }

  @Test
  void worksOverARealEndpointOnTheMemoryReactorRefusedThenAcceptedThenClosed() {
    MemoryReactor reactor = new MemoryReactor(clock);
    TcpClientEndpoint endpoint =
        new TcpClientEndpoint(reactor, "127.0.0.1", 9000, Duration.ofSeconds(5), null);
    ClientService<Client> service =
        ClientService.builder(endpoint, Client::new, clock).backoffPolicy(POLICY).build();
    service.startService();
    MemoryReactor.TcpClient first = reactor.tcpClients().get(0);
    first.factory().clientConnectionFailed(first.connector(), new Failure(new ConnectException("refused")));
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(1));
    clock.advance(nextRetryIn());

    MemoryReactor.TcpClient second = reactor.tcpClients().get(1);
    Protocol outer = second.factory().buildProtocol(SERVER);
    StringTransport transport = StringTransport.withDisconnection(outer);
    outer.makeConnection(transport);
    Client client = successResultOf(service.whenConnected());
    assertThat(client.transport()).isSameAs(transport);

    transport.loseConnection(); // accepted, then closed by the server
    assertThat(client.lost).hasSize(1);
    assertThat(nextRetryIn()).isEqualTo(POLICY.delay(1));
    clock.advance(nextRetryIn());
    assertThat(reactor.tcpClients()).hasSize(3);
    Deferred<Void> stopped = service.stopService();
    successResultOf(stopped);
    assertThat(reactor.tcpClients().get(2).connector().isStoppedConnecting()).isTrue();
  }

  @Test
  void stoppingFromInsideTheConnectCallCancelsTheAttemptOnceItExists() {
    List<ClientService<Client>> holder = new ArrayList<>();
    List<Deferred<Void>> stops = new ArrayList<>();
    int[] cancelled = new int[1];
    ClientEndpoint reentrant =
        factory -> {
          stops.add(holder.get(0).stopService());
          return new Deferred<>(d -> cancelled[0]++);
        };
    ClientService<Client> service =
        ClientService.builder(reentrant, Client::new, clock).backoffPolicy(POLICY).build();
    holder.add(service);
    service.startService();
    assertThat(cancelled[0]).isEqualTo(1);
    successResultOf(stops.get(0));
    assertThat(service.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void aCancelledWhenConnectedIsForgottenAndTheOthersStillFire() {
    server.then(Policy.REFUSE, Policy.ACCEPT);
    ClientService<Client> service = service();
    service.startService();
    Deferred<Client> givenUp = service.whenConnected();
    Deferred<Client> kept = service.whenConnected();
    givenUp.cancel();
    failureResultOf(givenUp, CancelledException.class);
    clock.advance(nextRetryIn());
    assertThat(successResultOf(kept)).isNotNull();
    successResultOf(service.stopService());
  }

  @Test
  void theTransitionTableAnswersEveryUserRequestInEveryState() {
    for (State state : State.values()) {
      for (Event event : List.of(Event.START, Event.STOP, Event.WHEN_CONNECTED)) {
        assertThat(ClientServiceTransitions.table().get(state)).as("%s", state).containsKey(event);
      }
    }
    assertThatThrownBy(() -> ClientServiceTransitions.of(State.INITIAL, Event.RECONNECT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ClientService has no transition for RECONNECT in state INITIAL");
  }

  @Test
  void failAfterFailuresMustBePositive() {
    assertThatThrownBy(() -> service().whenConnected(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failAfterFailures must be at least 1: 0");
  }
}
