package org.braid.reactor.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.braid.deferred.Deferred;
import org.braid.deferred.DeferredList;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.LogicalThread;
import org.braid.reactor.Reactor;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.TriggerId;
import org.braid.reactor.TriggerPhase;
import org.braid.reactor.internal.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reactor that opens no sockets: it records every listen and connect call with its arguments,
 * so tests can check what code under test asked for and then drive the recorded factories by hand
 * (Twisted's {@code MemoryReactorClock}).
 *
 * <pre>{@code
 * TestClock clock = ...;                       // any ReactorTime: the test kit's manual clock
 * MemoryReactor reactor = new MemoryReactor(clock);
 * client.start(reactor);
 * MemoryReactor.TcpClient call = reactor.tcpClients().get(0);
 * assertThat(call.port()).isEqualTo(11211);
 * Protocol p = call.factory().buildProtocol(null);
 * p.makeConnection(new StringTransport());
 * }</pre>
 *
 * <h2>Time</h2>
 * Every time method delegates to the {@link ReactorTime} given to the constructor, so the test
 * moves time with its manual clock.
 *
 * <h2>Threads</h2>
 * Nothing runs concurrently. {@link #callFromThread} (any thread) queues the call, and {@link
 * #deferToThread} queues the callable; both run on the test thread, in the order queued, at the
 * next {@link #runPending()}. {@link #isInReactorThread()} is true on the thread that created the
 * reactor.
 *
 * <h2>Lifecycle</h2>
 * {@link #run()} fires "startup" and runs the {@link #callWhenRunning} calls, then returns at once
 * with the reactor running (it does not stop by itself, unlike Twisted's {@code MemoryReactor}, so
 * code under test may call {@link #stop()} as it would on a real reactor). {@link #stop()} fires
 * "shutdown" synchronously. System event triggers run once, in Twisted's three phases; the DURING
 * and AFTER phases wait for the Deferreds the BEFORE triggers returned.
 *
 * <p>Test thread only, except {@link #callFromThread} and {@link #isInReactorThread()}.
 */
public final class MemoryReactor implements Reactor {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryReactor.class);

  /** The first port {@link #listenTCP} and friends assign when asked for port 0. */
  public static final int FIRST_ASSIGNED_PORT = 40000;

  /**
   * A recorded {@link #listenTCP} call.
   *
   * @param port the port asked for
   * @param factory the factory
   * @param backlog the backlog
   * @param iface the interface
   * @param listeningPort what the call returned
   */
  public record TcpServer(
      int port, Factory factory, int backlog, String iface, MemoryListeningPort listeningPort) {}

  /**
   * A recorded {@link #connectTCP} call.
   *
   * @param host the host
   * @param port the port
   * @param factory the client factory
   * @param timeout the timeout
   * @param bindAddress the bind address, or {@code null}
   * @param connector what the call returned
   */
  public record TcpClient(
      String host,
      int port,
      ClientFactory factory,
      Duration timeout,
      InetSocketAddress bindAddress,
      MemoryConnector connector) {}

  /**
   * A recorded {@link #listenUnix} call.
   *
   * @param path the socket path
   * @param factory the factory
   * @param listeningPort what the call returned
   */
  public record UnixServer(Path path, Factory factory, MemoryListeningPort listeningPort) {}

  /**
   * A recorded {@link #connectUnix} call.
   *
   * @param path the socket path
   * @param factory the client factory
   * @param timeout the timeout
   * @param connector what the call returned
   */
  public record UnixClient(
      Path path, ClientFactory factory, Duration timeout, MemoryConnector connector) {}

  /**
   * A recorded {@link #listenUDP} call.
   *
   * @param port the port asked for
   * @param protocol the datagram protocol
   * @param iface the interface
   * @param listeningPort what the call returned
   */
  public record UdpServer(
      int port, DatagramProtocol protocol, String iface, MemoryListeningPort listeningPort) {}

  /** The reactor's life. Transitions: NOT_STARTED → RUNNING → STOPPED. */
  private enum State {
    NOT_STARTED,
    RUNNING,
    STOPPED
  }

  private final ReactorTime clock;
  private final Thread owner = Thread.currentThread();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

  private final List<TcpServer> tcpServers = new ArrayList<>();
  private final List<TcpClient> tcpClients = new ArrayList<>();
  private final List<UnixServer> unixServers = new ArrayList<>();
  private final List<UnixClient> unixClients = new ArrayList<>();
  private final List<UdpServer> udpServers = new ArrayList<>();

  /** Pending triggers per event and phase, in registration order. */
  private final Map<String, Map<TriggerPhase, LinkedHashMap<TriggerId, Callable<? extends Deferred<?>>>>>
      triggers = new HashMap<>();

  private final List<Runnable> whenRunning = new ArrayList<>();
  private State state = State.NOT_STARTED;
  private long triggerSequence;
  private int nextPort = FIRST_ASSIGNED_PORT;

  /**
   * Creates a memory reactor whose time is {@code clock}'s.
   *
   * @param clock the clock every time method delegates to (a manual clock in tests)
   */
  public MemoryReactor(ReactorTime clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // --- recorded calls ----------------------------------------------------------------------------

  /**
   * The {@link #listenTCP} calls so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<TcpServer> tcpServers() {
    return List.copyOf(tcpServers);
  }

  /**
   * The {@link #connectTCP} calls so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<TcpClient> tcpClients() {
    return List.copyOf(tcpClients);
  }

  /**
   * The {@link #listenUnix} calls so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<UnixServer> unixServers() {
    return List.copyOf(unixServers);
  }

  /**
   * The {@link #connectUnix} calls so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<UnixClient> unixClients() {
    return List.copyOf(unixClients);
  }

  /**
   * The {@link #listenUDP} calls so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<UdpServer> udpServers() {
    return List.copyOf(udpServers);
  }

  // --- networking --------------------------------------------------------------------------------

  /**
   * Records the call; the returned port reports {@code iface} ("0.0.0.0" when empty) and the port
   * asked for, or an assigned one from {@link #FIRST_ASSIGNED_PORT} up for port 0. The factory is
   * not started.
   */
  @Override
  public ListeningPort listenTCP(int port, Factory factory, int backlog, String iface) {
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(iface, "iface");
    MemoryListeningPort listening = new MemoryListeningPort(inetAddress(iface, port));
    tcpServers.add(new TcpServer(port, factory, backlog, iface, listening));
    return listening;
  }

  /**
   * Records the call and, as Twisted's memory reactor does, tells the factory {@code
   * startedConnecting} with the returned connector; nothing else happens until the test drives
   * the factory.
   */
  @Override
  public Connector connectTCP(
      String host,
      int port,
      ClientFactory factory,
      Duration timeout,
      InetSocketAddress bindAddress) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(factory, "factory");
    MemoryConnector connector = new MemoryConnector(destination(host, port));
    tcpClients.add(new TcpClient(host, port, factory, timeout, bindAddress, connector));
    factory.startedConnecting(connector);
    return connector;
  }

  /** Records the call; the returned port reports the path. */
  @Override
  public ListeningPort listenUnix(Path path, Factory factory) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(factory, "factory");
    MemoryListeningPort listening = new MemoryListeningPort(UnixDomainSocketAddress.of(path));
    unixServers.add(new UnixServer(path, factory, listening));
    return listening;
  }

  /** Records the call and tells the factory {@code startedConnecting}. */
  @Override
  public Connector connectUnix(Path path, ClientFactory factory, Duration timeout) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(factory, "factory");
    MemoryConnector connector = new MemoryConnector(UnixDomainSocketAddress.of(path));
    unixClients.add(new UnixClient(path, factory, timeout, connector));
    factory.startedConnecting(connector);
    return connector;
  }

  /** Records the call; the protocol is not started. */
  @Override
  public ListeningPort listenUDP(int port, DatagramProtocol protocol, String iface) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(iface, "iface");
    MemoryListeningPort listening = new MemoryListeningPort(inetAddress(iface, port));
    udpServers.add(new UdpServer(port, protocol, iface, listening));
    return listening;
  }

  private SocketAddress inetAddress(String iface, int port) {
    int actual = port == 0 ? nextPort++ : port;
    String host = iface.isEmpty() ? "0.0.0.0" : iface;
    return destination(host, actual);
  }

  /** A resolved address for a literal, an unresolved one for a name: never a lookup. */
  private static SocketAddress destination(String host, int port) {
    if (Addresses.isLiteral(host)) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        return InetSocketAddress.createUnresolved(host, port);
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  // --- time --------------------------------------------------------------------------------------

  @Override
  public Duration now() {
    return clock.now();
  }

  @Override
  public DelayedCall callLater(Duration delay, Runnable call) {
    return clock.callLater(delay, call);
  }

  @Override
  public List<DelayedCall> getDelayedCalls() {
    return clock.getDelayedCalls();
  }

  // --- threads -----------------------------------------------------------------------------------

  /** Queues {@code call} for the next {@link #runPending()}. Any thread. */
  @Override
  public void callFromThread(Runnable call) {
    pending.add(Objects.requireNonNull(call, "call"));
  }

  @Override
  public boolean isInReactorThread() {
    return LogicalThread.owner() == owner;
  }

  /**
   * Queues {@code callable}; it runs on the test thread at the next {@link #runPending()}, and the
   * Deferred fires then with its value or exception.
   */
  @Override
  public <T> Deferred<T> deferToThread(Callable<? extends T> callable) {
    Objects.requireNonNull(callable, "callable");
    Deferred<T> result = new Deferred<>();
    pending.add(
        () -> {
          T value;
          try {
            value = callable.call();
          } catch (Exception e) {
            result.errback(e);
            return;
          }
          result.callback(value);
        });
    return result;
  }

  /**
   * Runs the calls queued by {@link #callFromThread} and {@link #deferToThread} before this call,
   * in order; calls they queue wait for the next {@code runPending}. A call that throws is logged.
   *
   * @return how many calls ran
   */
  public int runPending() {
    int count = pending.size();
    for (int i = 0; i < count; i++) {
      Runnable call = pending.poll();
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.error("a call queued on the memory reactor threw", e);
      }
    }
    return count;
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  @Override
  public void run() {
    if (state == State.RUNNING) {
      throw new IllegalStateException("the reactor is already running");
    }
    if (state == State.STOPPED) {
      throw new IllegalStateException("the reactor was stopped and is not restartable");
    }
    state = State.RUNNING;
    fireSystemEvent("startup");
    List<Runnable> calls = new ArrayList<>(whenRunning);
    whenRunning.clear();
    for (Runnable call : calls) {
      call.run();
    }
  }

  /** Fires "shutdown" at once and marks the reactor stopped. */
  @Override
  public void stop() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("Can't stop reactor that isn't running; state " + state);
    }
    state = State.STOPPED;
    fireSystemEvent("shutdown");
  }

  @Override
  public boolean isRunning() {
    return state == State.RUNNING;
  }

  /**
   * Tells whether {@link #stop()} was called.
   *
   * @return whether the reactor stopped
   */
  public boolean hasStopped() {
    return state == State.STOPPED;
  }

  @Override
  public void callWhenRunning(Runnable call) {
    Objects.requireNonNull(call, "call");
    if (state == State.RUNNING) {
      call.run();
    } else {
      whenRunning.add(call);
    }
  }

  @Override
  public TriggerId addSystemEventTrigger(TriggerPhase phase, String event, Runnable trigger) {
    Objects.requireNonNull(trigger, "trigger");
    return addSystemEventTriggerDeferring(
        phase,
        event,
        () -> {
          trigger.run();
          return null;
        });
  }

  @Override
  public TriggerId addSystemEventTriggerDeferring(
      TriggerPhase phase, String event, Callable<? extends Deferred<?>> trigger) {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(trigger, "trigger");
    TriggerId id = new TriggerId(phase, event, triggerSequence++);
    triggers
        .computeIfAbsent(event, e -> new EnumMap<>(TriggerPhase.class))
        .computeIfAbsent(phase, p -> new LinkedHashMap<>())
        .put(id, trigger);
    return id;
  }

  @Override
  public void removeSystemEventTrigger(TriggerId id) {
    Map<TriggerPhase, LinkedHashMap<TriggerId, Callable<? extends Deferred<?>>>> phases =
        triggers.get(id.event());
    if (phases == null || phases.get(id.phase()) == null || phases.get(id.phase()).remove(id) == null) {
      throw new IllegalArgumentException("no pending system event trigger " + id);
    }
  }

  @Override
  public void fireSystemEvent(String event) {
    Map<TriggerPhase, LinkedHashMap<TriggerId, Callable<? extends Deferred<?>>>> phases =
        triggers.get(event);
    if (phases == null) {
      return;
    }
    List<Deferred<?>> waits = new ArrayList<>();
    for (Callable<? extends Deferred<?>> trigger : take(phases, TriggerPhase.BEFORE)) {
      Deferred<?> d = runTrigger(event, trigger);
      if (d != null) {
        waits.add(
            d.addErrback(
                failure -> {
                  LOG.error("a before-{} trigger's Deferred failed: {}", event, failure);
                  return null;
                }));
      }
    }
    DeferredList.of(waits, true)
        .addCallback(
            ignored -> {
              for (TriggerPhase phase : List.of(TriggerPhase.DURING, TriggerPhase.AFTER)) {
                for (Callable<? extends Deferred<?>> trigger : take(phases, phase)) {
                  runTrigger(event, trigger);
                }
              }
              return null;
            });
  }

  private static List<Callable<? extends Deferred<?>>> take(
      Map<TriggerPhase, LinkedHashMap<TriggerId, Callable<? extends Deferred<?>>>> phases,
      TriggerPhase phase) {
    LinkedHashMap<TriggerId, Callable<? extends Deferred<?>>> registered = phases.get(phase);
    if (registered == null) {
      return List.of();
    }
    // Triggers run once, as Twisted's three-phase events consume them.
    List<Callable<? extends Deferred<?>>> taken = new ArrayList<>(registered.values());
    registered.clear();
    return taken;
  }

  private static Deferred<?> runTrigger(String event, Callable<? extends Deferred<?>> trigger) {
    try {
      return trigger.call();
    } catch (Exception e) {
      LOG.error("a {} trigger threw; the other triggers still run", event, e);
      return null;
    }
  }

  @Override
  public String toString() {
    return "MemoryReactor["
        + state
        + ", "
        + tcpServers.size()
        + " TCP servers, "
        + tcpClients.size()
        + " TCP clients, "
        + unixServers.size()
        + " Unix servers, "
        + unixClients.size()
        + " Unix clients, "
        + udpServers.size()
        + " UDP ports]";
  }
}
