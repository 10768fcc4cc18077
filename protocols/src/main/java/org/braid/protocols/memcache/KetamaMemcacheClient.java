package org.braid.protocols.memcache;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.braid.deferred.Deferred;
import org.braid.deferred.FirstErrorException;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.ClientService;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.Reactor;
import org.braid.reactor.TcpClientEndpoint;

/**
 * A memcache client of many servers: each key goes to one server by libketama consistent hashing
 * (libmemcached's or spymemcached's flavour, so the same key lands on the same server as with
 * those clients), each server has its own reconnecting connection ({@link ClientService}), and a
 * multi-key get is split by server and merged.
 *
 * <pre>{@code
 * KetamaMemcacheClient cache = KetamaMemcacheClient.builder(reactor)
 *     .server(new InetSocketAddress("127.0.0.1", 11211))
 *     .server(new InetSocketAddress("127.0.0.1", 11212))
 *     .deadServerPolicy(DeadServerPolicy.REHASH)
 *     .build();
 * cache.start();
 * cache.get("user:42").addCallback(hit -> ...);
 * }</pre>
 *
 * <h2>Dead servers</h2>
 * A server is <em>dead</em> when its last connection attempt failed and it is not connected; its
 * connection keeps retrying with the backoff policy. {@link DeadServerPolicy} says what happens to
 * the keys it owns meanwhile:
 * <ul>
 *   <li>{@link DeadServerPolicy#FAIL_FAST} (the default): requests for its keys fail at once with
 *       a {@link ConnectException} naming the server; other keys are unaffected. Nothing is
 *       cached anywhere else, so no stale copy can appear when it returns.
 *   <li>{@link DeadServerPolicy#REHASH}: its keys go to the server that owns them on a continuum
 *       built from the live servers only (only its share of keys moves, as consistent hashing
 *       promises), and back when it returns. Reads after its return may miss values written
 *       during the outage (they went elsewhere); values it held from before may be stale.
 * </ul>
 * Requests made while a server's first connection attempt is still in progress wait for it.
 *
 * <h2>Commands without a key</h2>
 * {@code flush_all} goes to every server and succeeds when all of them did. {@code stats} and
 * {@code version} are per server: ask {@link #server(InetSocketAddress)}.
 *
 * <p>Reactor thread only.
 */
public final class KetamaMemcacheClient implements MemcacheClient {

  /** What happens to the keys of a server that is down; see the class documentation. */
  public enum DeadServerPolicy {
    /** Requests for its keys fail at once with {@link ConnectException}. */
    FAIL_FAST,
    /** Its keys are served by the other servers, by a continuum of the live ones. */
    REHASH
  }

  /** One server: its address and its reconnecting connection. */
  private static final class Server {
    final InetSocketAddress address;
    final ClientService<MemcacheClientProtocol> service;

    Server(InetSocketAddress address, ClientService<MemcacheClientProtocol> service) {
      this.address = address;
      this.service = service;
    }

    boolean isDead() {
      return service.failedAttempts() > 0 && service.state() != ClientService.State.CONNECTED;
    }

    Deferred<MemcacheReply> send(MemcacheRequest request) {
      if (service.state() == ClientService.State.STOPPED
          || service.state() == ClientService.State.INITIAL) {
        return Deferred.fail(
            new IllegalStateException(
                "memcache client for " + address + " is not running (call start())"));
      }
      // Fires at once when connected; waits for a first attempt in progress; fails with the
      // connect failure if that attempt fails.
      return service.whenConnected(1).addCallbackDeferring(protocol -> protocol.send(request));
    }

    @Override
    public String toString() {
      return address.getHostString() + ":" + address.getPort();
    }
  }

  private final List<Server> servers;
  private final Map<InetSocketAddress, Server> byAddress = new LinkedHashMap<>();
  private final KetamaContinuum<Server> continuum;
  private final KetamaFlavor flavor;
  private final Map<Server, Integer> weights;
  private final DeadServerPolicy policy;

  /** The continuum of the live servers, for REHASH; rebuilt when the live set changes. */
  private KetamaContinuum<Server> liveContinuum;

  private Set<Server> liveContinuumServers = Set.of();

  private KetamaMemcacheClient(Builder builder) {
    this.flavor = builder.flavor;
    this.policy = builder.policy;
    this.servers = new ArrayList<>();
    this.weights = new LinkedHashMap<>();
    for (Map.Entry<InetSocketAddress, Integer> e : builder.servers.entrySet()) {
      InetSocketAddress address = e.getKey();
      Duration timeout = builder.requestTimeout;
      ClientService<MemcacheClientProtocol> service =
          ClientService.builder(
                  builder.endpoints.apply(address),
                  () -> new MemcacheClientProtocol(builder.reactor, timeout, builder.limits),
                  builder.reactor)
              .backoffPolicy(builder.backoff)
              .describedAs("memcache " + address.getHostString() + ":" + address.getPort())
              .build();
      Server server = new Server(address, service);
      servers.add(server);
      byAddress.put(address, server);
      weights.put(server, e.getValue());
    }
    this.continuum = continuumOf(servers);
  }

  /**
   * Starts building a client.
   *
   * @param reactor the reactor its connections and timeouts run on
   * @return the builder
   */
  public static Builder builder(Reactor reactor) {
    return new Builder(reactor);
  }

  /** Starts every server's connection (they retry by themselves from then on). */
  public void start() {
    for (Server server : servers) {
      server.service.startService();
    }
  }

  /**
   * Stops every connection: pending attempts are cancelled, live connections closed.
   *
   * @return fires when all are stopped
   */
  public Deferred<Void> stop() {
    List<Deferred<Void>> stopped = new ArrayList<>();
    for (Server server : servers) {
      stopped.add(server.service.stopService());
    }
    return Deferred.gatherResults(stopped, true).addCallback(ignored -> null);
  }

  /**
   * A client bound to one server, for per-server commands such as {@code stats} and {@code
   * version}.
   *
   * @param address one of the servers given to the builder
   * @return a client that sends everything to that server
   * @throws IllegalArgumentException when the address is not one of the servers
   */
  public MemcacheClient server(InetSocketAddress address) {
    Server server = byAddress.get(address);
    if (server == null) {
      throw new IllegalArgumentException(
          "not one of this client's servers: " + address + "; servers: " + servers);
    }
    return server::send;
  }

  /**
   * The server that owns {@code key} now: the live continuum's choice under REHASH; under
   * FAIL_FAST (or when every server is down) its owner, dead or not.
   *
   * @param key a key
   * @return its server's address
   */
  public InetSocketAddress serverFor(String key) {
    Server server = route(key);
    return server == null ? continuum.serverFor(key).address : server.address;
  }

  /**
   * Tells whether a server is dead: its last connection attempt failed and it is not connected.
   *
   * @param address one of the servers
   * @return true while it is down
   * @throws IllegalArgumentException when the address is not one of the servers
   */
  public boolean isDown(InetSocketAddress address) {
    Server server = byAddress.get(address);
    if (server == null) {
      throw new IllegalArgumentException("not one of this client's servers: " + address);
    }
    return server.isDead();
  }

  /**
   * The servers, in the order given to the builder.
   *
   * @return their addresses
   */
  public List<InetSocketAddress> servers() {
    return List.copyOf(byAddress.keySet());
  }

  @Override
  public Deferred<MemcacheReply> send(MemcacheRequest request) {
    Objects.requireNonNull(request, "request");
    return switch (request) {
      case MemcacheRequest.Get get -> sendGet(get);
      case MemcacheRequest.Store store -> sendKeyed(store.key(), store);
      case MemcacheRequest.Delete delete -> sendKeyed(delete.key(), delete);
      case MemcacheRequest.Counter counter -> sendKeyed(counter.key(), counter);
      case MemcacheRequest.Touch touch -> sendKeyed(touch.key(), touch);
      case MemcacheRequest.FlushAll flush -> sendToAll(flush);
      case MemcacheRequest.Stats stats -> perServer(stats);
      case MemcacheRequest.Version version -> perServer(version);
      case MemcacheRequest.Quit quit ->
          Deferred.fail(
              new IllegalArgumentException(
                  "quit closes one connection; use stop() to close a client of many servers"));
    };
  }

  private Deferred<MemcacheReply> sendKeyed(String key, MemcacheRequest request) {
    Server server = route(key);
    if (server == null) {
      return Deferred.fail(down(key));
    }
    return server.send(request);
  }

  private Deferred<MemcacheReply> sendGet(MemcacheRequest.Get get) {
    if (get.keys().size() == 1) {
      return sendKeyed(get.keys().get(0), get);
    }
    Map<Server, List<String>> split = new LinkedHashMap<>();
    for (String key : get.keys()) {
      Server server = route(key);
      if (server == null) {
        return Deferred.fail(down(key));
      }
      split.computeIfAbsent(server, s -> new ArrayList<>()).add(key);
    }
    List<Deferred<MemcacheReply>> parts = new ArrayList<>(split.size());
    for (Map.Entry<Server, List<String>> e : split.entrySet()) {
      parts.add(e.getKey().send(new MemcacheRequest.Get(e.getValue(), get.withCas())));
    }
    return Deferred.gatherResults(parts, true)
        .addCallback(
            replies -> {
              // Merge in the order the keys were asked for, as one server would answer.
              Map<String, Value> found = new LinkedHashMap<>();
              for (MemcacheReply reply : replies) {
                for (Value value : ((GetResult) reply).values()) {
                  found.putIfAbsent(value.key(), value);
                }
              }
              List<Value> merged = new ArrayList<>(found.size());
              for (String key : get.keys()) {
                Value value = found.get(key);
                if (value != null) {
                  merged.add(value);
                }
              }
              return (MemcacheReply) new GetResult(merged);
            })
        .addErrback(f -> unwrapFirstError(f.value()));
  }

  private Deferred<MemcacheReply> sendToAll(MemcacheRequest request) {
    List<Deferred<MemcacheReply>> replies = new ArrayList<>(servers.size());
    for (Server server : servers) {
      replies.add(server.send(request));
    }
    return Deferred.gatherResults(replies, true)
        .addCallback(all -> all.get(0))
        .addErrback(f -> unwrapFirstError(f.value()));
  }

  private static MemcacheReply unwrapFirstError(Throwable error) throws Exception {
    if (error instanceof FirstErrorException first) {
      throw first.subFailure().raiseException();
    }
    throw error instanceof Exception e ? e : new RuntimeException(error);
  }

  private Deferred<MemcacheReply> perServer(MemcacheRequest request) {
    return Deferred.fail(
        new IllegalArgumentException(
            request.describe()
                + " is a per-server command on a client of "
                + servers.size()
                + " servers; ask one: client.server(address)"));
  }

  /** The server for a key under the policy, or null when there is none to ask. */
  private Server route(String key) {
    Server owner = continuum.serverFor(key);
    if (!owner.isDead() || policy == DeadServerPolicy.FAIL_FAST) {
      return owner.isDead() ? null : owner;
    }
    Set<Server> live = new LinkedHashSet<>();
    for (Server server : servers) {
      if (!server.isDead()) {
        live.add(server);
      }
    }
    if (live.isEmpty()) {
      return null;
    }
    if (!live.equals(liveContinuumServers)) {
      liveContinuum = continuumOf(new ArrayList<>(live));
      liveContinuumServers = live;
    }
    return liveContinuum.serverFor(key);
  }

  private ConnectException down(String key) {
    Server owner = continuum.serverFor(key);
    String detail =
        policy == DeadServerPolicy.REHASH
            ? "all " + servers.size() + " memcache servers are down"
            : "memcache server " + owner + " (owner of key " + key + ") is down after "
                + owner.service.failedAttempts()
                + " failed connection attempts; DeadServerPolicy.FAIL_FAST";
    return new ConnectException(detail);
  }

  private KetamaContinuum<Server> continuumOf(List<Server> members) {
    KetamaContinuum.Builder<Server> builder = KetamaContinuum.builder(flavor);
    for (Server server : members) {
      builder.add(server, server.address, weights.get(server));
    }
    return builder.build();
  }

  /** Shows the servers and their states. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("KetamaMemcacheClient[").append(policy);
    for (Server server : servers) {
      s.append(", ").append(server).append(' ').append(server.service.state());
    }
    return s.append(']').toString();
  }

  /** Configures a {@link KetamaMemcacheClient}. Reactor thread only. */
  public static final class Builder {
    private final Reactor reactor;
    private final Map<InetSocketAddress, Integer> servers = new LinkedHashMap<>();
    private KetamaFlavor flavor = KetamaFlavor.LIBMEMCACHED;
    private DeadServerPolicy policy = DeadServerPolicy.FAIL_FAST;
    private Duration requestTimeout = MemcacheClientProtocol.DEFAULT_TIMEOUT;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private MemcacheLimits limits = MemcacheLimits.DEFAULTS;
    private BackoffPolicy backoff = BackoffPolicy.twistedDefault();
    private Function<InetSocketAddress, ClientEndpoint> endpoints;

    private Builder(Reactor reactor) {
      this.reactor = Objects.requireNonNull(reactor, "reactor");
      this.endpoints =
          address ->
              new TcpClientEndpoint(
                  this.reactor, address.getHostString(), address.getPort(), connectTimeout, null);
    }

    /**
     * Adds a server with weight 1 (libmemcached weighs servers by this number; spymemcached
     * accepts only 1).
     *
     * @param address its address
     * @return this builder
     */
    public Builder server(InetSocketAddress address) {
      return server(address, 1);
    }

    /**
     * Adds a server with a weight.
     *
     * @param address its address
     * @param weight its share of keys relative to the others, at least 1
     * @return this builder
     */
    public Builder server(InetSocketAddress address, int weight) {
      Objects.requireNonNull(address, "address");
      if (weight < 1) {
        throw new IllegalArgumentException("weight < 1: " + weight + " for " + address);
      }
      if (servers.putIfAbsent(address, weight) != null) {
        throw new IllegalArgumentException("server given twice: " + address);
      }
      return this;
    }

    /**
     * Chooses the hashing flavour (default {@link KetamaFlavor#LIBMEMCACHED}).
     *
     * @param flavor libmemcached's or spymemcached's continuum
     * @return this builder
     */
    public Builder flavor(KetamaFlavor flavor) {
      this.flavor = Objects.requireNonNull(flavor, "flavor");
      return this;
    }

    /**
     * Chooses what happens to a dead server's keys (default {@link DeadServerPolicy#FAIL_FAST}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder deadServerPolicy(DeadServerPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how long each request may wait for its reply (see {@link MemcacheClientProtocol}).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how long one connection attempt may take.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the limits requests are checked against before sending.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(MemcacheLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets the backoff between reconnection attempts of each server.
     *
     * @param policy attempt number to delay
     * @return this builder
     */
    public Builder backoffPolicy(BackoffPolicy policy) {
      this.backoff = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Replaces how a server's address becomes an endpoint (default: TCP with the connect
     * timeout); for Unix sockets or tests.
     *
     * @param endpoints address to endpoint
     * @return this builder
     */
    public Builder endpoints(Function<InetSocketAddress, ClientEndpoint> endpoints) {
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
      return this;
    }

    /**
     * Builds the client; call {@link KetamaMemcacheClient#start()} to connect.
     *
     * @return the client
     * @throws IllegalStateException when no server was given
     */
    public KetamaMemcacheClient build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("a memcache client needs at least one server");
      }
      return new KetamaMemcacheClient(this);
    }
  }
}
