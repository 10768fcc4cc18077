package org.braid.tutorial.simulated;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheServer;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ConnectingCancelledException;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.ManualClock;
import org.braid.reactor.testing.MemoryReactor;

/**
 * Embedded memcache servers and their clients in memory, on a {@link ManualClock}: what the
 * tutorial's tests run on. Servers are real {@link MemcacheServer}s (so every {@link
 * org.braid.protocols.memcache.MemcacheFailureMode} behaves as over TCP); a connection is a {@link
 * Loopback}; nothing moves until the test calls {@link #settle()} or {@link #advance(Duration)}.
 *
 * <pre>{@code
 * SimulatedNetwork net = new SimulatedNetwork();
 * MemcacheServer server = net.startServer();
 * MemcacheClientProtocol client = net.connect(server);
 * Deferred<Optional<Value>> hit = client.get("k");
 * net.settle();                       // the request reaches the server, the reply comes back
 * }</pre>
 *
 * <h2>What settle does</h2>
 * It runs the calls due now on the clock (a connection attempt completes in a zero-delay call, as
 * a real connect completes in a later pass of the loop), then pumps every connection, and repeats
 * until a round changes nothing. Inline bodies resumed by a reply run inside that pump, on the
 * test thread, so a test on this network is as deterministic in inline style as with callbacks.
 *
 * <h2>Connecting</h2>
 * {@link #endpoint(MemcacheServer)} connects to whatever listens on the server's port: when the
 * server refuses ({@code REFUSE_CONNECT} closed its listening port) the attempt fails with {@link
 * ConnectException}, as the kernel's refusal does.
 *
 * <p>Test thread only (the thread that created it).
 */
public final class SimulatedNetwork {
  private final ManualClock clock = new ManualClock();
  private final MemoryReactor reactor = new MemoryReactor(clock);
  private final List<Loopback> links = new ArrayList<>();
  private final List<MemcacheClientProtocol> clients = new ArrayList<>();
  private int attempts;

  /** Creates an empty network at time zero. */
  public SimulatedNetwork() {}

  /**
   * The clock every server, client and recipe on this network uses.
   *
   * @return the clock
   */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Starts an embedded server with memcached's defaults on the next free simulated port.
   *
   * @return the listening server
   */
  public MemcacheServer startServer() {
    Deferred<MemcacheServer> started = MemcacheServer.builder(reactor).build().listen(0);
    MemcacheServer[] server = new MemcacheServer[1];
    started.addCallback(s -> server[0] = s);
    if (server[0] == null) {
      throw new IllegalStateException("the embedded server did not start at once: " + started);
    }
    return server[0];
  }

  /**
   * An endpoint that connects to {@code server}'s port in memory.
   *
   * @param server the server
   * @return the endpoint
   */
  public ClientEndpoint endpoint(MemcacheServer server) {
    Objects.requireNonNull(server, "server");
    return new ClientEndpoint() {
      @Override
      public Deferred<Protocol> connect(Factory factory) {
        return connectTo(server, factory);
      }

      @Override
      public String toString() {
        return "simulated:" + server.address();
      }
    };
  }

  /**
   * Connects a memcache client to {@code server} and settles, for tests that need a client now.
   *
   * @param server the server, which must accept
   * @param requestTimeout the client's request timeout
   * @return the connected client
   * @throws IllegalStateException when the connection could not be made
   */
  public MemcacheClientProtocol connect(MemcacheServer server, Duration requestTimeout) {
    Deferred<MemcacheClientProtocol> d =
        endpoint(server).connect(() -> new MemcacheClientProtocol(clock, requestTimeout));
    settle();
    Object[] outcome = new Object[1];
    d.addBoth((client, failure) -> outcome[0] = failure != null ? failure : client);
    if (!(outcome[0] instanceof MemcacheClientProtocol client)) {
      throw new IllegalStateException("could not connect to " + server + ": " + outcome[0]);
    }
    return client;
  }

  /**
   * {@link #connect(MemcacheServer, Duration)} with the client's default request timeout.
   *
   * @param server the server
   * @return the connected client
   */
  public MemcacheClientProtocol connect(MemcacheServer server) {
    return connect(server, MemcacheClientProtocol.DEFAULT_TIMEOUT);
  }

  /**
   * Runs what is due now and moves bytes until nothing changes.
   *
   * @throws IllegalStateException when the protocols never go quiet
   */
  public void settle() {
    for (int round = 0; round < Loopback.MAX_FLUSH_ROUNDS; round++) {
      clock.advance(Duration.ZERO);
      boolean progress = false;
      for (Loopback link : List.copyOf(links)) {
        progress |= link.pump();
      }
      links.removeIf(link -> link.clientTransport().isClosed() && link.serverTransport().isClosed());
      if (!progress && clock.getDelayedCalls().stream().noneMatch(c -> c.getTime().compareTo(clock.now()) <= 0)) {
        return;
      }
    }
    throw new IllegalStateException(
        "the simulated network is still busy after " + Loopback.MAX_FLUSH_ROUNDS + " rounds");
  }

  /**
   * Moves the clock forward, settling after each call that was due, so that a timer's effects
   * (a retry, a slow reply) reach the other side before the next timer runs.
   *
   * @param amount how far, not negative
   */
  public void advance(Duration amount) {
    Duration end = clock.now().plus(amount);
    settle();
    while (true) {
      Duration next =
          clock.getDelayedCalls().stream()
              .map(DelayedCall::getTime)
              .filter(t -> t.compareTo(end) <= 0)
              .min(Duration::compareTo)
              .orElse(null);
      if (next == null) {
        break;
      }
      clock.advance(next.minus(clock.now()).isNegative() ? Duration.ZERO : next.minus(clock.now()));
      settle();
    }
    clock.advance(end.minus(clock.now()));
    settle();
  }

  /**
   * The connections whose two sides are not both closed yet.
   *
   * @return how many
   */
  public int openConnections() {
    return (int)
        links.stream()
            .filter(l -> !(l.clientTransport().isClosed() && l.serverTransport().isClosed()))
            .count();
  }

  /**
   * Every memcache client protocol connected through this network so far.
   *
   * @return a snapshot, oldest first
   */
  public List<MemcacheClientProtocol> clients() {
    return List.copyOf(clients);
  }

  /**
   * The requests every client still waits for a reply to.
   *
   * @return the sum of their {@link MemcacheClientProtocol#pendingCount()}
   */
  public int pendingRequests() {
    return clients.stream().mapToInt(MemcacheClientProtocol::pendingCount).sum();
  }

  /**
   * How many connection attempts were made, refused ones included.
   *
   * @return the count
   */
  public int connectionAttempts() {
    return attempts;
  }

  // tag::connect[]
  private Deferred<Protocol> connectTo(MemcacheServer server, Factory factory) {
    attempts++;
    DelayedCall[] pending = new DelayedCall[1];
    Deferred<Protocol> result =
        new Deferred<Protocol>(
                d -> {
                  if (pending[0].isActive()) {
                    pending[0].cancel();
                  }
                  d.errback(new ConnectingCancelledException(server.address()));
                })
            .describedAs("connect to simulated " + server.address());
    factory.doStart();
    pending[0] = clock.callLater(Duration.ZERO, () -> complete(server, factory, result));
    return result;
  }

  private void complete(MemcacheServer server, Factory factory, Deferred<Protocol> result) {
    MemoryReactor.TcpServer listener =
        reactor.tcpServers().stream()
            .filter(s -> s.listeningPort().isListening())
            .filter(s -> s.factory() == server.factory())
            .filter(s -> ((InetSocketAddress) s.listeningPort().getHost()).getPort() == server.port())
            .reduce((first, second) -> second)
            .orElse(null);
    if (listener == null) {
      factory.doStop();
      result.errback(new ConnectException("Connection refused: " + server.address()));
      return;
    }
    Protocol serverSide = listener.factory().buildProtocol(Loopback.CLIENT_ADDRESS);
    Protocol clientSide = factory.buildProtocol(Loopback.SERVER_ADDRESS);
    if (serverSide == null || clientSide == null) {
      factory.doStop();
      result.errback(new IllegalStateException("a factory built no protocol for " + server));
      return;
    }
    links.add(Loopback.connect(serverSide, clientSide));
    if (clientSide instanceof MemcacheClientProtocol client) {
      clients.add(client);
    }
    result.callback(clientSide);
  }
  // end::connect[]
}
