package org.braid.reactor;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;

/**
 * The event loop: one thread that owns every socket and timer (Twisted's reactor). The real one is
 * {@link SelectorReactor}; tests use {@link org.braid.reactor.testing.MemoryReactor} or drive
 * protocols with in-memory transports and a {@link org.braid.reactor.testing.ManualClock}.
 *
 * <p>There is no global reactor: create one and pass it to what needs it.
 *
 * <p>Threads: {@link #callFromThread}, {@link #isInReactorThread()} and {@link #isRunning()} may
 * be called from any thread; everything else on the reactor thread only (before {@link #run()},
 * the thread that will call it counts as the reactor thread).
 */
public interface Reactor extends ReactorTime {

  // --- lifecycle ---------------------------------------------------------------------------------

  /**
   * Runs the loop on the calling thread until {@link #stop()} and every shutdown trigger have run.
   *
   * @throws IllegalStateException when it is already running, or was stopped before (a reactor is
   *     not restartable)
   */
  void run();

  /**
   * Asks the loop to shut down: at the end of the current pass the "shutdown" event fires (before,
   * during and after triggers; before-triggers may return Deferreds that shutdown waits for, with
   * a bound), pending writes are flushed, connections are closed, and {@link #run()} returns.
   *
   * @throws ReactorNotRunningException (an {@link IllegalStateException}) when the reactor is not
   *     running, is already stopping, or has stopped: "Can't stop reactor that isn't running."
   */
  void stop();

  /**
   * Tells whether {@link #run()} is in progress and startup has completed. Any thread.
   *
   * @return whether the reactor is running
   */
  boolean isRunning();

  /**
   * Runs {@code call} now if the reactor is running (before this method returns; what it throws
   * propagates), else once it has started (as an AFTER "startup" trigger).
   *
   * @param call what to run
   */
  void callWhenRunning(Runnable call);

  /**
   * Registers a trigger for a system event ("startup", "shutdown", or any name passed to {@link
   * #fireSystemEvent}).
   *
   * @param phase before, during or after the event
   * @param event the event name
   * @param trigger what to run
   * @return an id for {@link #removeSystemEventTrigger}
   */
  TriggerId addSystemEventTrigger(TriggerPhase phase, String event, Runnable trigger);

  /**
   * Registers a trigger that returns a Deferred; in the BEFORE phase the event waits for it (for
   * "shutdown", with a bound after which the wait is abandoned and logged). In the other phases
   * the Deferred is not waited for.
   *
   * @param phase before, during or after the event
   * @param event the event name
   * @param trigger what to run
   * @return an id for {@link #removeSystemEventTrigger}
   */
  TriggerId addSystemEventTriggerDeferring(
      TriggerPhase phase, String event, Callable<? extends Deferred<?>> trigger);

  /**
   * Removes a trigger that has not run yet.
   *
   * @param id what {@link #addSystemEventTrigger} returned
   * @throws IllegalArgumentException when there is no such pending trigger
   */
  void removeSystemEventTrigger(TriggerId id);

  /**
   * Fires a system event: before triggers in order, then, once every Deferred they returned has
   * fired, during and after triggers. A trigger that throws is logged; the others still run.
   *
   * @param event the event name
   */
  void fireSystemEvent(String event);

  // --- threads -----------------------------------------------------------------------------------

  /**
   * Runs {@code call} on the reactor thread at the start of the next pass, and wakes the loop. Calls
   * from one thread run in the order they were made. A call that throws is logged. Calls made
   * before {@link #run()} run once it starts; calls made after the reactor stopped never run (they
   * are logged and dropped). Never blocks. Any thread.
   *
   * @param call what to run
   */
  void callFromThread(Runnable call);

  /**
   * Tells whether the calling thread is the reactor thread: the thread inside {@link #run()}, while
   * it runs (so it is false everywhere before {@code run()} and after it returns). Any thread.
   *
   * @return whether this is the reactor thread
   */
  boolean isInReactorThread();

  /**
   * Runs {@code callable} on the reactor's bounded, named thread pool; the returned Deferred fires
   * on the reactor thread with its value or exception, never synchronously. After shutdown it
   * fails with {@link ReactorNotRunningException}.
   *
   * @param callable blocking work
   * @param <T> the result type
   * @return a Deferred of the result
   */
  <T> Deferred<T> deferToThread(Callable<? extends T> callable);

  // --- networking --------------------------------------------------------------------------------

  /**
   * Listens for TCP connections.
   *
   * @param port the port, 0 for any free one (see {@link ListeningPort#getHost()})
   * @param factory builds one protocol per accepted connection
   * @param backlog the accept queue length
   * @param iface the address to bind, e.g. "127.0.0.1"; "" or "0.0.0.0" for all
   * @return the listening port
   * @throws java.io.UncheckedIOException when the port cannot be bound
   */
  ListeningPort listenTCP(int port, Factory factory, int backlog, String iface);

  /**
   * Connects to a TCP server. The factory's hooks report progress: {@code startedConnecting},
   * then {@code buildProtocol} on success or {@code clientConnectionFailed} (refused: {@link
   * java.net.ConnectException}; timeout: {@link ConnectTimeoutException}).
   *
   * @param host host name or address
   * @param port the port
   * @param factory the client factory
   * @param timeout how long the attempt may take
   * @param bindAddress the local address to bind, or {@code null}
   * @return the connector, which can stop the attempt or disconnect
   */
  Connector connectTCP(
      String host,
      int port,
      ClientFactory factory,
      Duration timeout,
      InetSocketAddress bindAddress);

  /**
   * Listens on a Unix-domain socket path.
   *
   * @param path the socket file
   * @param factory builds one protocol per accepted connection
   * @return the listening port
   */
  ListeningPort listenUnix(Path path, Factory factory);

  /**
   * Connects to a Unix-domain socket path.
   *
   * @param path the socket file
   * @param factory the client factory
   * @param timeout how long the attempt may take
   * @return the connector
   */
  Connector connectUnix(Path path, ClientFactory factory, Duration timeout);

  /**
   * Binds a UDP port to a datagram protocol.
   *
   * @param port the port, 0 for any free one
   * @param protocol receives datagrams
   * @param iface the address to bind
   * @return the listening port
   */
  ListeningPort listenUDP(int port, DatagramProtocol protocol, String iface);
}
