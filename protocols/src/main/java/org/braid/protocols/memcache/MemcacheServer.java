package org.braid.protocols.memcache;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.braid.deferred.Deferred;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;
import org.braid.reactor.ReactorTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded memcache server: the text protocol over a {@link MemcacheStore} (memcached's
 * semantics, cas, expiry, a memory limit with LRU eviction), in the reactor's thread, for tests,
 * the tutorial and small deployments. It also misbehaves on request ({@link MemcacheFailureMode}).
 *
 * <pre>{@code
 * MemcacheServer.start(reactor, 0)                       // any free port, on 127.0.0.1
 *     .addCallback(server -> server.address());          // 127.0.0.1:40123
 * }</pre>
 *
 * <h2>Limits</h2>
 * <ul>
 *   <li>Memory ({@link Builder#memoryLimit}, default 64 MiB as memcached's {@code -m 64}): items
 *       are counted as {@link MemcacheStore} says; the least recently used go first.
 *   <li>Connections ({@link Builder#maxConnections}, default 1024 as memcached's {@code -c}): a
 *       connection over the limit gets {@code SERVER_ERROR too many connections} and is closed.
 *   <li>{@link MemcacheLimits}: a line above {@code maxLineLength} gets {@code CLIENT_ERROR line
 *       too long} and closes that connection; a value above {@code maxValueLength} gets {@code
 *       SERVER_ERROR object too large for cache} and the connection goes on; a get of more than
 *       {@code maxKeysPerGet} keys gets {@code CLIENT_ERROR too many keys}.
 * </ul>
 * Malformed input closes only the connection that sent it (see {@link MemcacheRequestParser}).
 *
 * <h2>Time</h2>
 * Expiration runs on the reactor's clock, read as Unix time from the wall-clock instant taken when
 * the server was built ({@link Builder#wallClock}). Under a {@link
 * org.braid.reactor.testing.ManualClock} items expire exactly when the test advances it.
 *
 * <h2>Stats</h2>
 * The store's statistics plus the server's: {@code pid}, {@code pointer_size}, {@code
 * max_connections}, {@code curr_connections}, {@code total_connections}, {@code
 * rejected_connections}, {@code bytes_read}, {@code bytes_written}, {@code accepting_conns},
 * {@code threads}, in memcached's order. {@code stats} with arguments answers {@code ERROR}.
 *
 * <p>Binds to 127.0.0.1 unless told otherwise. Reactor thread only (build it on any thread
 * before the reactor runs).
 */
public final class MemcacheServer {
  /** memcached's port. */
  public static final int DEFAULT_PORT = 11211;
  /** The address the server binds unless told otherwise: loopback only. */
  public static final String DEFAULT_INTERFACE = "127.0.0.1";
  /** 64 MiB, memcached's default {@code -m}. */
  public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;
  /** memcached's default {@code -c}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  /**
   * What {@code version} answers: the memcached release whose text protocol the parsers were
   * checked against, marked as Braid's. Numeric first, as libmemcached parses it.
   */
  public static final String DEFAULT_VERSION = "1.6.18-braid";

  private static final Logger LOG = LoggerFactory.getLogger(MemcacheServer.class);
  private static final int BACKLOG = 1024;

  /** What {@link MemcacheServerProtocol#connectionMade} does with a new connection. */
  enum Admission {
    ACCEPTED, CLOSE_AT_ONCE, TOO_MANY_CONNECTIONS
  }

  /**
   * The listening socket's lifecycle. NEW to LISTENING or REFUSING in {@link #listen};
   * LISTENING and REFUSING swap when the failure mode turns {@link
   * MemcacheFailureMode#REFUSE_CONNECT} on or off; any to STOPPED in {@link #stop}.
   */
  private enum State {
    /** Not listened yet. */
    NEW,
    /** Accepting connections on {@link #port}. */
    LISTENING,
    /** Bound once, socket closed on purpose (REFUSE_CONNECT); {@link #portNumber} is kept. */
    REFUSING,
    /** Stopped for good. */
    STOPPED
  }

  private final Reactor reactor;
  private final String iface;
  private final int maxConnections;
  private final MemcacheLimits limits;
  private final MemcacheStore store;
  private final Factory factory;
  private final Set<MemcacheServerProtocol> connections = new LinkedHashSet<>();
  private final long pid = ProcessHandle.current().pid();

  private State state = State.NEW;
  private ListeningPort port;
  private int portNumber = -1;
  private MemcacheFailureMode failureMode;
  /** Storage commands seen since the failure mode was last set (for FAIL_NTH_WRITE). */
  private long storageCommandsSinceModeSet;
  /** The Deferreds {@link #stop} returned that have not fired yet. */
  private final List<Deferred<Void>> stopWaiters = new ArrayList<>();
  /** Whether the listening socket is closed after {@link #stop}. */
  private boolean portClosed;
  private boolean stopLogged;

  private long totalConnections;
  private long rejectedConnections;
  private long bytesRead;
  private long bytesWritten;

  private MemcacheServer(Builder builder) {
    this.reactor = builder.reactor;
    this.iface = builder.iface;
    this.maxConnections = builder.maxConnections;
    this.limits = builder.limits;
    this.failureMode = builder.failureMode;
    this.store = new MemcacheStore(new ReactorInstantSource(reactor, builder.wallClock.instant()),
        builder.memoryLimit, limits.maxValueLength(), builder.version);
    this.factory = Factory.forProtocol(() -> new MemcacheServerProtocol(this));
  }

  /**
   * Settings for a server, starting from memcached's defaults. Any thread, then {@link #build()}.
   *
   * @param reactor the reactor the server runs in (its clock drives expiry and SLOW replies)
   * @return a builder
   */
  public static Builder builder(Reactor reactor) {
    return new Builder(reactor);
  }

  /**
   * Starts a server with the defaults on 127.0.0.1.
   *
   * @param reactor the reactor
   * @param port the port, 0 for any free one
   * @return fires with the listening server, or fails with the {@link UncheckedIOException} that
   *     says why it cannot listen
   */
  public static Deferred<MemcacheServer> start(Reactor reactor, int port) {
    return builder(reactor).build().listen(port);
  }

  /**
   * Starts listening. In {@link MemcacheFailureMode#REFUSE_CONNECT} the port is bound (so its
   * number is known and kept) and closed again before the Deferred fires.
   *
   * @param port the port, 0 for any free one
   * @return fires with this server, or fails with the {@link UncheckedIOException} that says why
   *     it cannot listen
   * @throws IllegalStateException when called twice
   */
  public Deferred<MemcacheServer> listen(int port) {
    if (state != State.NEW) {
      throw new IllegalStateException("listen called in state " + state + "; a server listens once");
    }
    try {
      bind(port);
    } catch (UncheckedIOException e) {
      return Deferred.fail(e);
    }
    LOG.info("memcache server listening on {}", address());
    if (failureMode == MemcacheFailureMode.REFUSE_CONNECT) {
      return closePort().addCallback(ignored -> this);
    }
    return Deferred.succeed(this);
  }

  /**
   * Changes how the server misbehaves from now on. Turning {@link
   * MemcacheFailureMode#REFUSE_CONNECT} on closes the listening socket; turning it off listens
   * again on the same port. {@link MemcacheFailureMode#failNthWrite} counts from this call.
   *
   * @param mode the new mode
   * @return fires once the mode is in effect (the socket closed or bound again); fails with the
   *     {@link UncheckedIOException} of a failed re-bind, the server then still refusing
   */
  public Deferred<Void> setFailureMode(MemcacheFailureMode mode) {
    Objects.requireNonNull(mode, "mode");
    LOG.info("memcache server {}: failure mode {} (was {})", where(), mode, failureMode);
    failureMode = mode;
    storageCommandsSinceModeSet = 0;
    if (mode == MemcacheFailureMode.REFUSE_CONNECT && state == State.LISTENING) {
      return closePort();
    }
    if (mode != MemcacheFailureMode.REFUSE_CONNECT && state == State.REFUSING) {
      try {
        bind(portNumber);
      } catch (UncheckedIOException e) {
        return Deferred.fail(e);
      }
    }
    return Deferred.succeed(null);
  }

  /**
   * The current failure mode.
   *
   * @return the mode
   */
  public MemcacheFailureMode failureMode() {
    return failureMode;
  }

  /**
   * Stops listening and closes every connection (after its pending writes). Calling it again
   * returns another Deferred of the same stop.
   *
   * @return fires once the socket is closed and every connection has ended
   */
  public Deferred<Void> stop() {
    Deferred<Void> done = new Deferred<Void>().describedAs("stop memcache server " + where());
    stopWaiters.add(done);
    if (state == State.STOPPED) {
      maybeStopped();
      return done;
    }
    State was = state;
    state = State.STOPPED;
    if (was == State.LISTENING) {
      ListeningPort listening = port;
      port = null;
      listening.stopListening().addBoth((ignored, failure) -> {
        if (failure != null) {
          LOG.warn("memcache server {}: closing the listening socket failed", where(),
              failure.value());
        }
        portClosed = true;
        maybeStopped();
        return null;
      });
    } else {
      portClosed = true;
    }
    for (MemcacheServerProtocol connection : new ArrayList<>(connections)) {
      connection.shutdown();
    }
    maybeStopped();
    return done;
  }

  private void maybeStopped() {
    if (state != State.STOPPED || !portClosed || !connections.isEmpty()) {
      return;
    }
    if (!stopLogged) {
      stopLogged = true;
      LOG.info("memcache server {} stopped", where());
    }
    List<Deferred<Void>> waiting = new ArrayList<>(stopWaiters);
    stopWaiters.clear();
    for (Deferred<Void> d : waiting) {
      d.callback(null);
    }
  }

  /**
   * The address the server listens on (or listened on, while refusing or stopped).
   *
   * @return e.g. 127.0.0.1:11211
   * @throws IllegalStateException before {@link #listen}
   */
  public InetSocketAddress address() {
    if (portNumber < 0) {
      throw new IllegalStateException("the server has not listened yet");
    }
    return new InetSocketAddress(iface.isEmpty() ? "0.0.0.0" : iface, portNumber);
  }

  /**
   * The port number, once listened.
   *
   * @return the port
   */
  public int port() {
    return address().getPort();
  }

  /**
   * Builds one {@link MemcacheServerProtocol} per connection: give it to any listener (a Unix
   * socket, {@link org.braid.reactor.testing.Loopback} in tests). Connections made this way count
   * against the limit and share the store.
   *
   * @return the factory
   */
  public Factory factory() {
    return factory;
  }

  /**
   * The store, for inspection in tests and tools.
   *
   * @return the store every connection uses
   */
  public MemcacheStore store() {
    return store;
  }

  /**
   * How many connections are open (those turned away excluded).
   *
   * @return the count
   */
  public int currentConnections() {
    return connections.size();
  }

  /**
   * The most connections served at once.
   *
   * @return the limit
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * What the server's parsers accept.
   *
   * @return the limits
   */
  public MemcacheLimits limits() {
    return limits;
  }

  /**
   * The statistics {@code stats} answers: the store's and the server's.
   *
   * @return the statistics, in memcached's order
   */
  public StatsResult stats() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("pid", Long.toString(pid));
    for (Map.Entry<String, String> stat : store.stats().stats().entrySet()) {
      switch (stat.getKey()) {
        case "cmd_get" -> {
          out.put("pointer_size", System.getProperty("sun.arch.data.model", "64"));
          out.put("max_connections", Integer.toString(maxConnections));
          out.put("curr_connections", Integer.toString(connections.size()));
          out.put("total_connections", Long.toString(totalConnections));
          out.put("rejected_connections", Long.toString(rejectedConnections));
        }
        case "limit_maxbytes" -> {
          out.put("bytes_read", Long.toString(bytesRead));
          out.put("bytes_written", Long.toString(bytesWritten));
        }
        default -> {
          // in the store's order
        }
      }
      out.put(stat.getKey(), stat.getValue());
      if (stat.getKey().equals("limit_maxbytes")) {
        out.put("accepting_conns", state == State.LISTENING ? "1" : "0");
        out.put("threads", "1");
      }
    }
    return new StatsResult(out);
  }

  /** The address for log lines, also before {@link #listen}. */
  String where() {
    return portNumber < 0 ? "(not listening)" : iface + ":" + portNumber;
  }

  @Override
  public String toString() {
    return "MemcacheServer[" + state + " " + where() + ", "
        + connections.size() + " connections, " + failureMode + ", " + store + "]";
  }

  // --- called by MemcacheServerProtocol ----------------------------------------------------------

  ReactorTime clock() {
    return reactor;
  }

  Admission connectionOpened(MemcacheServerProtocol connection) {
    totalConnections++;
    if (state == State.STOPPED) {
      return Admission.CLOSE_AT_ONCE;
    }
    if (failureMode == MemcacheFailureMode.ACCEPT_THEN_CLOSE) {
      return Admission.CLOSE_AT_ONCE;
    }
    if (connections.size() >= maxConnections) {
      rejectedConnections++;
      return Admission.TOO_MANY_CONNECTIONS;
    }
    connections.add(connection);
    return Admission.ACCEPTED;
  }

  void connectionClosed(MemcacheServerProtocol connection) {
    connections.remove(connection);
    maybeStopped();
  }

  /** A storage command: executed, or failed on purpose (FAIL_NTH_WRITE). */
  MemcacheReply storageCommand(MemcacheRequest.Store store) {
    storageCommandsSinceModeSet++;
    if (failureMode instanceof MemcacheFailureMode.FailNthWrite fail
        && storageCommandsSinceModeSet == fail.n()) {
      LOG.info("memcache server {}: failing {} on purpose ({})", where(),
          MemcacheClientProtocol.describe(store), failureMode);
      return ErrorReply.serverError("injected failure: storage command " + fail.n()
          + " since failure mode FAIL_NTH_WRITE " + fail.n() + " was set");
    }
    return execute(store);
  }

  MemcacheReply execute(MemcacheRequest request) {
    if (request instanceof MemcacheRequest.Stats stats && stats.arguments().isEmpty()) {
      return stats();
    }
    return store.execute(request);
  }

  void bytesRead(long count) {
    bytesRead += count;
  }

  void bytesWritten(long count) {
    bytesWritten += count;
  }

  private void bind(int number) {
    port = reactor.listenTCP(number, factory, BACKLOG, iface);
    portNumber = ((InetSocketAddress) port.getHost()).getPort();
    state = State.LISTENING;
  }

  private Deferred<Void> closePort() {
    ListeningPort listening = port;
    port = null;
    state = State.REFUSING;
    return listening.stopListening();
  }

  /** Settings for a {@link MemcacheServer}. One thread, then {@link #build()}. */
  public static final class Builder {
    private final Reactor reactor;
    private String iface = DEFAULT_INTERFACE;
    private long memoryLimit = DEFAULT_MEMORY_LIMIT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private MemcacheLimits limits = MemcacheLimits.DEFAULTS;
    private MemcacheFailureMode failureMode = MemcacheFailureMode.NORMAL;
    private String version = DEFAULT_VERSION;
    private InstantSource wallClock = InstantSource.system();

    private Builder(Reactor reactor) {
      this.reactor = Objects.requireNonNull(reactor, "reactor");
    }

    /**
     * The address to bind. Default {@value MemcacheServer#DEFAULT_INTERFACE}; {@code "0.0.0.0"}
     * or {@code ""} for every interface (the server has no authentication: think twice).
     *
     * @param address an IP address or host name
     * @return this builder
     */
    public Builder interfaceAddress(String address) {
      this.iface = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The memory limit in bytes, counted as {@link MemcacheStore} does. Default 64 MiB.
     *
     * @param bytes more than {@link MemcacheStore#ITEM_OVERHEAD}
     * @return this builder
     */
    public Builder memoryLimit(long bytes) {
      if (bytes <= MemcacheStore.ITEM_OVERHEAD) {
        throw new IllegalArgumentException("memory limit " + bytes
            + " bytes cannot hold a single item; an item costs at least "
            + (MemcacheStore.ITEM_OVERHEAD + 1));
      }
      this.memoryLimit = bytes;
      return this;
    }

    /**
     * The most connections served at once. Default 1024.
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder maxConnections(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("max connections " + count + " is below 1");
      }
      this.maxConnections = count;
      return this;
    }

    /**
     * Line length, value size and keys-per-get limits. Default {@link MemcacheLimits#DEFAULTS}.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(MemcacheLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The failure mode to start in. Default {@link MemcacheFailureMode#NORMAL}.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder failureMode(MemcacheFailureMode mode) {
      this.failureMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * What {@code version} answers. Default {@value MemcacheServer#DEFAULT_VERSION}.
     *
     * @param version no line breaks
     * @return this builder
     */
    public Builder version(String version) {
      this.version = new VersionResult(version).version();
      return this;
    }

    /**
     * Where the Unix time at start comes from (read once, in {@link #build()}); the reactor's
     * clock moves it on from there. Default the system clock; tests pass a fixed instant.
     *
     * @param wallClock the source
     * @return this builder
     */
    public Builder wallClock(InstantSource wallClock) {
      this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
      return this;
    }

    /**
     * Builds the server; {@link MemcacheServer#listen} starts it. Reactor thread, or before the
     * reactor runs (the store reads the reactor's clock).
     *
     * @return the server
     */
    public MemcacheServer build() {
      return new MemcacheServer(this);
    }
  }

  /** For the standalone command's summary line. */
  List<String> describeSettings() {
    return List.of("memory limit " + store.stats().get("limit_maxbytes") + " bytes",
        "max connections " + maxConnections, "max item size " + limits.maxValueLength() + " bytes",
        "failure mode " + failureMode);
  }
}
