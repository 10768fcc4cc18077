package org.braid.reactor.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Locale;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.ConnectTimeoutException;
import org.braid.reactor.ConnectingCancelledException;
import org.braid.reactor.Connector;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP or Unix-domain client connection's life, attempt after attempt (Twisted's {@code
 * BaseConnector} with {@code tcp.BaseClient}'s connect steps).
 *
 * <h2>States</h2>
 * <pre>
 *   DISCONNECTED --connect()--> CONNECTING --connected--> CONNECTED --lost--> DISCONNECTED
 *                                    |--failed, timed out, stopConnecting()--> DISCONNECTED
 * </pre>
 *
 * <ul>
 *   <li>{@link #connect()} (only when disconnected): starts the factory if this connector has not
 *       already ({@code doStart}), arms the timeout, tells {@code startedConnecting}; the attempt
 *       itself begins on the next pass, so nothing is reported from inside {@code connect()}.
 *   <li>Connected: the timeout is cancelled, {@code buildProtocol(peer)} makes the protocol (a
 *       {@code null} protocol gets a connection that closes at once, as in Twisted).
 *   <li>Failed (refused: {@link ConnectException}; timeout: {@link ConnectTimeoutException};
 *       stopped: {@link ConnectingCancelledException}; unknown host: {@link
 *       java.net.UnknownHostException}): {@code clientConnectionFailed}; then, unless that hook
 *       called {@link #connect()} again, the factory is stopped ({@code doStop}).
 *   <li>Lost after connecting: {@code clientConnectionLost}, with the same {@code doStop} rule.
 * </ul>
 *
 * Exceptions thrown by the factory's hooks are logged; the connector goes on. Reactor thread only.
 */
public final class StreamConnector implements Connector {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConnector.class);

  /** The connector's life; see the class documentation. */
  private enum State {
    DISCONNECTED,
    CONNECTING,
    CONNECTED
  }

  private final SelectorLoop loop;
  private final ConnectTarget target;
  private final ClientFactory factory;
  private final Duration timeout;

  /** The connector's life. */
  private State state = State.DISCONNECTED;

  /** This connector called the factory's {@code doStart} and not yet its {@code doStop}. */
  private boolean factoryStarted;

  /** The attempt in flight, while CONNECTING. */
  private Attempt attempt;

  /** The connection, while CONNECTED. */
  private StreamConnection connection;

  StreamConnector(SelectorLoop loop, ConnectTarget target, ClientFactory factory, Duration timeout) {
    this.loop = loop;
    this.target = target;
    this.factory = factory;
    this.timeout = timeout;
  }

  @Override
  public void connect() {
    if (state != State.DISCONNECTED) {
      throw new IllegalStateException("can't connect in state " + state + ": " + describe());
    }
    state = State.CONNECTING;
    if (!factoryStarted) {
      factory.doStart();
      factoryStarted = true;
    }
    Attempt started = new Attempt();
    attempt = started;
    loop.track(started);
    started.timeoutCall =
        loop.reactor()
            .callLater(
                timeout,
                () ->
                    connectionFailed(
                        started,
                        new ConnectTimeoutException(
                            "connecting to "
                                + Addresses.format(target.destination())
                                + " timed out after "
                                + timeout.toMillis()
                                + " ms")));
    loop.reactor().callLater(Duration.ZERO, started::begin);
    try {
      factory.startedConnecting(this);
    } catch (Throwable t) {
      LOG.error("{}: factory {} threw from startedConnecting", describe(), Addresses.nameOf(factory), t);
    }
  }

  @Override
  public void stopConnecting() {
    if (state != State.CONNECTING) {
      throw new IllegalStateException(
          "The connector was not connecting when it was asked to stop connecting; state "
              + state
              + ": "
              + describe());
    }
    connectionFailed(attempt, new ConnectingCancelledException(target.destination()));
  }

  @Override
  public void disconnect() {
    if (state == State.CONNECTING) {
      stopConnecting();
    } else if (state == State.CONNECTED && connection != null) {
      connection.loseConnection();
    }
  }

  @Override
  public SocketAddress getDestination() {
    return target.destination();
  }

  /** Ends {@code failed} (if it is still the current attempt) and tells the factory. */
  private void connectionFailed(Attempt failed, Throwable reason) {
    if (failed == null || failed != attempt) {
      return;
    }
    attempt = null;
    failed.end(true);
    reportFailed(reason);
  }

  private void reportFailed(Throwable reason) {
    state = State.DISCONNECTED;
    try {
      factory.clientConnectionFailed(this, new Failure(reason));
    } catch (Throwable t) {
      LOG.error("{}: factory {} threw from clientConnectionFailed", describe(), Addresses.nameOf(factory), t);
    }
    stopFactoryUnlessReconnecting();
  }

  private void connectionLost(Throwable reason) {
    connection = null;
    state = State.DISCONNECTED;
    try {
      factory.clientConnectionLost(this, new Failure(reason));
    } catch (Throwable t) {
      LOG.error("{}: factory {} threw from clientConnectionLost", describe(), Addresses.nameOf(factory), t);
    }
    stopFactoryUnlessReconnecting();
  }

  private void stopFactoryUnlessReconnecting() {
    if (state == State.DISCONNECTED && factoryStarted) {
      factoryStarted = false;
      try {
        factory.doStop();
      } catch (Throwable t) {
        LOG.error("{}: factory {} threw from stopFactory", describe(), Addresses.nameOf(factory), t);
      }
    }
  }

  /** The channel connected: build the protocol and hand the channel to a connection. */
  private void connected(Attempt done, SocketChannel channel) {
    attempt = null;
    done.end(false);
    state = State.CONNECTED;
    SocketAddress peer;
    Protocol protocol;
    try {
      peer = channel.getRemoteAddress();
      protocol = factory.buildProtocol(peer);
    } catch (Throwable t) {
      LOG.error("{}: building the protocol failed; closing the connection", describe(), t);
      closeQuietly(channel);
      reportFailed(t);
      return;
    }
    boolean refused = protocol == null;
    if (refused) {
      // Twisted: "make up a protocol to satisfy the rest of the implementation", then close.
      protocol = new Protocol() {};
    }
    StreamConnection started;
    try {
      started = new StreamConnection(loop, channel, target.kind(), protocol, this::connectionLost);
      connection = started;
      started.start();
    } catch (IOException e) {
      connection = null;
      closeQuietly(channel);
      reportFailed(connectError(e));
      return;
    }
    if (refused) {
      started.loseConnection();
    }
  }

  private ConnectException connectError(IOException e) {
    ConnectException wrapped =
        new ConnectException(
            e.getMessage() + " (connecting to " + Addresses.format(target.destination()) + ")");
    wrapped.initCause(e);
    return wrapped;
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a client channel failed; it is closed anyway", e);
    }
  }

  /**
   * Describes the connector, e.g. {@code TCP connector to 127.0.0.1:8080 (connecting)}.
   *
   * @return the description
   */
  public String describe() {
    return target.kind()
        + " connector to "
        + Addresses.format(target.destination())
        + " ("
        + state.name().toLowerCase(Locale.ROOT)
        + ")";
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * One attempt: resolve, open, connect without blocking, wait for the channel to become
   * connectable. Tracked by the loop while in flight, so that reactor shutdown stops it.
   */
  private final class Attempt implements Selectable {
    DelayedCall timeoutCall;
    private SocketChannel channel;
    private boolean ended;

    /** Runs on the pass after {@link #connect()}. */
    void begin() {
      if (ended) {
        return;
      }
      Deferred<SocketAddress> resolved;
      try {
        resolved = target.resolve(loop.reactor());
      } catch (RuntimeException e) {
        connectionFailed(this, e);
        return;
      }
      resolved.addCallbacks(
          address -> {
            dial(address);
            return null;
          },
          failure -> {
            connectionFailed(this, failure.value());
            return null;
          });
    }

    private void dial(SocketAddress address) {
      if (ended) {
        return;
      }
      try {
        channel = target.open(address);
        channel.configureBlocking(false);
        if (channel.connect(address)) {
          connected(this, channel);
        } else {
          loop.register(channel, SelectionKey.OP_CONNECT, this);
        }
      } catch (IOException e) {
        connectionFailed(this, connectError(e));
      } catch (RuntimeException e) {
        // E.g. an address family the channel does not support: a failed attempt, not a loop error.
        connectionFailed(this, e);
      }
    }

    @Override
    public void selected(SelectionKey key) {
      if (ended || !key.isValid()) {
        return;
      }
      boolean done;
      try {
        done = channel.finishConnect();
      } catch (IOException e) {
        connectionFailed(this, connectError(e));
        return;
      }
      if (done) {
        connected(this, channel);
      }
    }

    /**
     * Ends the attempt: no more events, timeout cancelled, untracked.
     *
     * @param closeChannel whether to close the channel (not when it becomes a connection)
     */
    void end(boolean closeChannel) {
      ended = true;
      if (timeoutCall != null && timeoutCall.isActive()) {
        timeoutCall.cancel();
      }
      if (closeChannel && channel != null) {
        closeQuietly(channel);
      }
      loop.untrack(this);
    }

    /** Reactor shutdown: stop the attempt. */
    @Override
    public Deferred<Void> shutdown() {
      if (attempt == this) {
        stopConnecting();
      }
      return Deferred.succeed(null);
    }

    @Override
    public void abort(Throwable reason) {
      connectionFailed(this, reason);
    }

    @Override
    public String describe() {
      return StreamConnector.this.describe();
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
