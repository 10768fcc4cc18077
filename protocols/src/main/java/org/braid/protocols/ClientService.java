package org.braid.protocols;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.protocols.ClientServiceTransitions.Action;
import org.braid.protocols.ClientServiceTransitions.Event;
import org.braid.protocols.ClientServiceTransitions.Transition;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.Protocol;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to an endpoint open: connects, waits and reconnects after a failed attempt
 * or a lost connection, with a {@link BackoffPolicy} (Twisted's {@code ClientService}).
 *
 * <pre>{@code
 * ClientService<LineClient> service =
 *     ClientService.builder(Endpoints.clientFromString(reactor, "tcp:127.0.0.1:9000"),
 *                           LineClient::new, reactor)
 *         .backoffPolicy(BackoffPolicy.twistedDefault())
 *         .build();
 * service.startService();
 * service.whenConnected().addCallback(client -> { client.sendLine("hello"); return null; });
 * ...
 * service.stopService().addCallback(ignored -> ...);   // stopped: no attempt, no connection
 * }</pre>
 *
 * <h2>States</h2>
 * {@link State}: {@code INITIAL → CONNECTING ⇄ WAITING}, {@code CONNECTING → CONNECTED →
 * WAITING} when the connection is lost, and on {@code stopService} {@code DISCONNECTING →
 * STOPPED} (or {@code RESTARTING → CONNECTING} when started again before the connection is
 * closed). Every transition is in one table, {@code ClientServiceTransitions}; state changes are
 * logged at DEBUG, scheduled retries at INFO.
 *
 * <h2>Delays</h2>
 * After the n-th failed attempt in a row the service waits {@code policy.delay(n)}. A successful
 * connection zeroes the count, and losing it counts as the first failure: it waits {@code
 * policy.delay(1)}. Time is the clock given to the builder (the reactor, or a manual clock).
 *
 * <h2>Connections</h2>
 * Each attempt calls the endpoint's {@code connect} with a factory that wraps the user's, so the
 * service hears when a connection is lost; {@link #whenConnected()} gives the user's protocol. The
 * endpoint can be any {@link ClientEndpoint}, including a lambda: a connect function that uses the
 * factory it is given and fires with the protocol that factory built. With {@link
 * Builder#prepareConnection} a new connection is used (and {@code whenConnected} fired) only once
 * the preparation's Deferred succeeds; if it fails, the connection is closed and the failure
 * counts as a failed attempt.
 *
 * <p>Reactor thread only.
 *
 * @param <P> the type of the protocol it connects
 */
public final class ClientService<P extends Protocol> {
  private static final Logger LOG = LoggerFactory.getLogger(ClientService.class);

  /** Where a service is in its life; see the class documentation. */
  public enum State {
    /** Created, never started. */
    INITIAL,
    /** An attempt is in progress. */
    CONNECTING,
    /** Waiting for the backoff delay before the next attempt. */
    WAITING,
    /** Holding a connection. */
    CONNECTED,
    /** Stopping: the attempt is being stopped or the connection closed. */
    DISCONNECTING,
    /** Started again while still disconnecting: connects once the old connection is closed. */
    RESTARTING,
    /** Stopped: no attempt, no connection, no timer. */
    STOPPED
  }

  private final ClientEndpoint endpoint;
  private final Factory factory;
  private final BackoffPolicy policy;
  private final ReactorTime clock;
  private final Function<? super P, ? extends Deferred<?>> prepareConnection;
  private final String description;

  /** The service's state: see {@link State}; changed only by {@link #fire}. */
  private State state = State.INITIAL;

  /** The attempt in progress (CONNECTING, and DISCONNECTING while it is being stopped). */
  private Attempt attempt;

  /** The attempt whose connection the service holds (CONNECTED, DISCONNECTING, RESTARTING). */
  private Attempt connection;

  private int failedAttempts;
  private Failure lastFailure;
  private DelayedCall retryCall;
  private final List<Waiter<P>> waiters = new ArrayList<>();
  private final List<Deferred<Void>> stopWaiters = new ArrayList<>();

  /** A whenConnected Deferred and how many more failures it tolerates (0: no limit). */
  private static final class Waiter<P> {
    final Deferred<P> deferred;
    int remaining;

    Waiter(Deferred<P> deferred, int remaining) {
      this.deferred = deferred;
      this.remaining = remaining;
    }
  }

  private ClientService(Builder<P> builder) {
    this.endpoint = builder.endpoint;
    this.factory = builder.factory;
    this.policy = builder.policy;
    this.clock = builder.clock;
    this.prepareConnection = builder.prepareConnection;
    this.description = builder.description != null ? builder.description : String.valueOf(endpoint);
  }

  /**
   * Starts building a service whose protocols are made by {@code protocol}.
   *
   * @param endpoint where to connect: an endpoint, or a connect function (see the class
   *     documentation)
   * @param protocol makes one protocol per connection
   * @param clock the clock retries are scheduled on: the reactor, or a manual clock in tests
   * @param <P> the protocol type
   * @return the builder
   */
  public static <P extends Protocol> Builder<P> builder(
      ClientEndpoint endpoint, Supplier<P> protocol, ReactorTime clock) {
    Objects.requireNonNull(protocol, "protocol");
    return new Builder<>(endpoint, Factory.forProtocol(protocol), clock);
  }

  /**
   * Starts building a service whose protocols are built by {@code factory} (started and stopped
   * with each connection, as by a connector).
   *
   * @param endpoint where to connect
   * @param factory builds one protocol per connection
   * @param clock the clock retries are scheduled on
   * @return the builder
   */
  public static Builder<Protocol> builder(
      ClientEndpoint endpoint, Factory factory, ReactorTime clock) {
    return new Builder<>(endpoint, factory, clock);
  }

  /**
   * Configures a {@link ClientService}. Any thread until {@link #build()}.
   *
   * @param <P> the protocol type
   */
  public static final class Builder<P extends Protocol> {
    private final ClientEndpoint endpoint;
    private final Factory factory;
    private final ReactorTime clock;
    private BackoffPolicy policy = BackoffPolicy.twistedDefault();
    private Function<? super P, ? extends Deferred<?>> prepareConnection;
    private String description;

    private Builder(ClientEndpoint endpoint, Factory factory, ReactorTime clock) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.factory = Objects.requireNonNull(factory, "factory");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sets the delays between attempts (default {@link BackoffPolicy#twistedDefault()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder<P> backoffPolicy(BackoffPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Runs {@code prepare} on each new connection (log in, check health) before it is used; its
     * Deferred must succeed for the connection to count as made.
     *
     * @param prepare gets the new protocol; returns a Deferred of anything
     * @return this builder
     */
    public Builder<P> prepareConnection(Function<? super P, ? extends Deferred<?>> prepare) {
      this.prepareConnection = Objects.requireNonNull(prepare, "prepare");
      return this;
    }

    /**
     * Names the service in logs and {@code toString} (default: the endpoint's {@code
     * toString}).
     *
     * @param description e.g. {@code "memcache 127.0.0.1:11211"}
     * @return this builder
     */
    public Builder<P> describedAs(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Builds the service, in state {@link State#INITIAL}.
     *
     * @return the service
     */
    public ClientService<P> build() {
      return new ClientService<>(this);
    }
  }

  // --- the public operations ---------------------------------------------------------------------

  /**
   * Starts connecting (again, after a stop). A second start while running logs a warning and does
   * nothing.
   */
  public void startService() {
    if (isRunning()) {
      LOG.warn("{}: startService called while already running ({})", description, state);
      return;
    }
    fire(Event.START, null);
  }

  /**
   * Stops: cancels the attempt in progress or the scheduled retry, closes the connection, and
   * fails pending {@link #whenConnected()} Deferreds with {@link CancelledException}.
   *
   * @return fires with {@code null} once stopped (at once when nothing was open)
   */
  @SuppressWarnings("unchecked")
  public Deferred<Void> stopService() {
    return (Deferred<Void>) fire(Event.STOP, null);
  }

  /**
   * The connected protocol, now or when the next connection is made. Fails with {@link
   * CancelledException} if the service is stopped first (or already).
   *
   * @return a Deferred of the protocol
   */
  public Deferred<P> whenConnected() {
    return whenConnectedInternal(0);
  }

  /**
   * {@link #whenConnected()}, but failing with the last attempt's failure once {@code
   * failAfterFailures} attempts in a row have failed from now on: 1 fails at the first failure, 2
   * allows one failure and fails if the retry fails too.
   *
   * @param failAfterFailures 1 or more
   * @return a Deferred of the protocol
   * @throws IllegalArgumentException when {@code failAfterFailures < 1}
   */
  public Deferred<P> whenConnected(int failAfterFailures) {
    if (failAfterFailures < 1) {
      throw new IllegalArgumentException("failAfterFailures must be at least 1: " + failAfterFailures);
    }
    return whenConnectedInternal(failAfterFailures);
  }

  @SuppressWarnings("unchecked")
  private Deferred<P> whenConnectedInternal(int failAfterFailures) {
    return (Deferred<P>) fire(Event.WHEN_CONNECTED, failAfterFailures);
  }

  /**
   * The current state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Tells whether the service was started and not stopped since.
   *
   * @return whether it is running
   */
  public boolean isRunning() {
    return state == State.CONNECTING
        || state == State.WAITING
        || state == State.CONNECTED
        || state == State.RESTARTING;
  }

  /**
   * How many attempts in a row have failed (a lost connection counts as one).
   *
   * @return the count; 0 while connected
   */
  public int failedAttempts() {
    return failedAttempts;
  }

  // --- the state machine -------------------------------------------------------------------------

  /** Takes the transition for {@code event}: enters the next state, then runs its actions. */
  private Object fire(Event event, Object argument) {
    Transition transition = ClientServiceTransitions.of(state, event);
    State from = state;
    state = transition.next();
    if (LOG.isDebugEnabled() && (from != state || !transition.actions().isEmpty())) {
      LOG.debug("{}: {} --{}--> {} {}", description, from, event, state, transition.actions());
    }
    Object result = null;
    for (Action action : transition.actions()) {
      Object produced = run(action, argument);
      if (result == null) {
        result = produced;
      }
    }
    return result;
  }

  // Attempt is an inner class of ClientService<P>, so even casting the argument to it is
  // unchecked; the events that carry one (CONNECTION_MADE, CLIENT_DISCONNECTED) only ever carry
  // this service's attempts, and an attempt's protocol was built by this service's factory.
  @SuppressWarnings("unchecked")
  private Object run(Action action, Object argument) {
    switch (action) {
      case CONNECT -> connect();
      case STOP_CONNECTING -> {
        if (attempt.inProgress != null) {
          attempt.inProgress.cancel();
        } else {
          // Stopped from inside the endpoint's connect call: cancel as soon as it returns.
          attempt.cancelRequested = true;
        }
      }
      case STOP_RETRYING -> {
        retryCall.cancel();
        retryCall = null;
      }
      case DISCONNECT -> {
        Transport transport = connection.protocol.transport();
        if (transport != null) {
          transport.loseConnection();
        }
      }
      case ADOPT_CONNECTION -> connection = (Attempt) argument;
      case FORGET_CONNECTION -> connection = null;
      case SCHEDULE_RETRY -> scheduleRetry();
      case RESET_FAILED_ATTEMPTS -> failedAttempts = 0;
      case NOTIFY_WAITERS -> {
        failedAttempts = 0;
        lastFailure = null;
        connection = (Attempt) argument;
        P protocol = (P) connection.protocol;
        List<Waiter<P>> waiting = takeWaiters();
        for (Waiter<P> w : waiting) {
          w.deferred.callback(protocol);
        }
      }
      case DELIVER_FAILURE -> deliverFailure((Failure) argument);
      case CANCEL_WAITERS -> {
        for (Waiter<P> w : takeWaiters()) {
          w.deferred.errback(new CancelledException("ClientService " + description + " was stopped"));
        }
      }
      case FINISH_STOPPING -> {
        List<Deferred<Void>> waiting = new ArrayList<>(stopWaiters);
        stopWaiters.clear();
        for (Deferred<Void> d : waiting) {
          d.callback(null);
        }
      }
      case AWAIT_STOP -> {
        Deferred<Void> d = new Deferred<Void>().describedAs("stop " + description);
        stopWaiters.add(d);
        return d;
      }
      case STOPPED_ALREADY -> {
        return Deferred.succeed(null);
      }
      case AWAIT_CONNECTION -> {
        return awaitConnection((Integer) argument);
      }
      case CURRENT_CONNECTION -> {
        P protocol = (P) connection.protocol;
        return Deferred.succeed(protocol);
      }
      case NO_CONNECTION -> {
        return Deferred.fail(
            new CancelledException("ClientService " + description + " is stopped; no connection will come"));
      }
      default -> throw new AssertionError("unhandled action " + action);
    }
    return null;
  }

  private Deferred<P> awaitConnection(int failAfterFailures) {
    Waiter<P>[] self = newWaiterHolder();
    Deferred<P> d =
        new Deferred<P>(cancelled -> waiters.remove(self[0]))
            .describedAs("connection to " + description);
    self[0] = new Waiter<>(d, failAfterFailures);
    waiters.add(self[0]);
    return d;
  }

  @SuppressWarnings("unchecked")
  private static <P> Waiter<P>[] newWaiterHolder() {
    return (Waiter<P>[]) new Waiter<?>[1];
  }

  private List<Waiter<P>> takeWaiters() {
    List<Waiter<P>> taken = new ArrayList<>(waiters);
    waiters.clear();
    return taken;
  }

  private void deliverFailure(Failure failure) {
    List<Waiter<P>> ready = new ArrayList<>();
    for (Iterator<Waiter<P>> it = waiters.iterator(); it.hasNext(); ) {
      Waiter<P> w = it.next();
      if (w.remaining == 0) {
        continue;
      }
      if (w.remaining <= 1) {
        ready.add(w);
        it.remove();
      } else {
        w.remaining--;
      }
    }
    for (Waiter<P> w : ready) {
      w.deferred.errback(new Failure(failure.value()));
    }
  }

  private void scheduleRetry() {
    failedAttempts++;
    Duration delay = policy.delay(failedAttempts);
    LOG.info(
        "{}: scheduling retry {} in {}{}",
        description,
        failedAttempts,
        delay,
        lastFailure == null ? "" : " (" + lastFailure.value() + ")");
    retryCall =
        clock.callLater(
            delay,
            () -> {
              retryCall = null;
              fire(Event.RECONNECT, null);
            });
  }

  // --- attempts ----------------------------------------------------------------------------------

  /** One connection attempt, and the connection it made. */
  private final class Attempt {
    /** The attempt's Deferred, with the service's callbacks; cancelling it stops the attempt. */
    Deferred<?> inProgress;

    /** The user's protocol, once the endpoint fired with it. */
    Protocol protocol;

    /** Set when the connection was lost (the service hears of it through the wrapper). */
    Failure lostReason;

    boolean settled;

    /** Stopped before its Deferred existed (see STOP_CONNECTING). */
    boolean cancelRequested;

    /** The protocol's connection ended. */
    void lost(Failure reason) {
      lostReason = reason;
      if (connection == this) {
        lastFailure = reason;
        fire(Event.CLIENT_DISCONNECTED, this);
      } else if (attempt == this && inProgress != null && !settled) {
        // Lost while prepareConnection runs: stop waiting for it.
        inProgress.cancel();
      }
    }
  }

  private void connect() {
    Attempt a = new Attempt();
    attempt = a;
    Deferred<Protocol> connecting;
    try {
      connecting = endpoint.connect(new WrappingFactory(a));
    } catch (RuntimeException e) {
      connecting = Deferred.fail(e);
    }
    a.inProgress =
        connecting
            .addCallbackDeferring(built -> prepare(a, built))
            .addCallbacks(
                ignored -> {
                  connected(a);
                  return null;
                },
                failure -> {
                  failed(a, failure);
                  return null;
                });
    if (a.cancelRequested) {
      a.inProgress.cancel();
    }
  }

  private Deferred<Object> prepare(Attempt a, Protocol built) {
    if (!(built instanceof Wrapper w) || w.owner != a) {
      throw new IllegalStateException(
          "the endpoint of "
              + description
              + " fired with "
              + built
              + ", not the protocol built by the factory it was given");
    }
    a.protocol = w.inner;
    if (prepareConnection == null) {
      return Deferred.succeed(null);
    }
    @SuppressWarnings("unchecked")
    P protocol = (P) w.inner;
    return Deferred.maybeDeferredDeferring(() -> prepareConnection.apply(protocol))
        .addCallback(ignored -> (Object) null);
  }

  private void connected(Attempt a) {
    a.settled = true;
    if (a.lostReason != null) {
      failed(a, a.lostReason);
      return;
    }
    if (attempt != a) {
      LOG.debug("{}: closing a connection whose attempt was abandoned", description);
      close(a);
      return;
    }
    attempt = null;
    fire(Event.CONNECTION_MADE, a);
  }

  private void failed(Attempt a, Failure failure) {
    a.settled = true;
    Failure reason = a.lostReason != null ? a.lostReason : failure;
    // Connected but not usable (prepareConnection failed, or the attempt was stopped meanwhile).
    close(a);
    if (attempt != a) {
      LOG.debug("{}: an abandoned attempt failed: {}", description, reason);
      return;
    }
    attempt = null;
    lastFailure = reason;
    fire(Event.CONNECTION_FAILED, reason);
  }

  private void close(Attempt a) {
    if (a.protocol != null && a.lostReason == null && a.protocol.transport() != null) {
      a.protocol.transport().loseConnection();
    }
  }

  /** Builds the user's protocols, each wrapped so the service hears when it is lost. */
  private final class WrappingFactory extends Factory {
    private final Attempt attempt;

    WrappingFactory(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    protected Protocol newProtocol(SocketAddress peer) {
      Protocol inner = factory.buildProtocol(peer);
      return inner == null ? null : new Wrapper(attempt, inner, attempt::lost);
    }

    @Override
    protected void startFactory() {
      factory.doStart();
    }

    @Override
    protected void stopFactory() {
      factory.doStop();
    }

    @Override
    public String toString() {
      return "ClientService.WrappingFactory[" + factory + "]";
    }
  }

  /** Hands every event to the user's protocol, then tells the service when it is lost. */
  private static final class Wrapper extends Protocol {
    /** The attempt that built it: an endpoint must fire with the wrapper of its own attempt. */
    final Object owner;

    final Protocol inner;
    final Consumer<Failure> onLost;

    Wrapper(Object owner, Protocol inner, Consumer<Failure> onLost) {
      this.owner = owner;
      this.inner = inner;
      this.onLost = onLost;
    }

    @Override
    public void makeConnection(Transport transport) {
      super.makeConnection(transport);
      inner.makeConnection(transport);
    }

    @Override
    public void dataReceived(byte[] data) {
      inner.dataReceived(data);
    }

    @Override
    public void readConnectionLost() {
      inner.readConnectionLost();
    }

    @Override
    public void writeConnectionLost() {
      inner.writeConnectionLost();
    }

    @Override
    public void connectionLost(Failure reason) {
      try {
        inner.connectionLost(reason);
      } finally {
        onLost.accept(reason);
      }
    }

    @Override
    public String logPrefix() {
      return inner.logPrefix();
    }

    @Override
    public String toString() {
      return "ClientService.Wrapper[" + inner + "]";
    }
  }

  /** Shows the description, the state and the failure count. */
  @Override
  public String toString() {
    return "ClientService["
        + description
        + ", "
        + state
        + (failedAttempts > 0 ? ", " + failedAttempts + " failed attempts" : "")
        + "]";
  }
}
