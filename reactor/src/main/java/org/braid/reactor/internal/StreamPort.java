package org.braid.reactor.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP or Unix-domain socket that accepts connections and gives each a protocol from its
 * factory (Twisted's {@code tcp.Port}).
 *
 * <h2>Running out of descriptors</h2>
 * When {@code accept} fails (typically EMFILE, "Too many open files", or ENFILE, ENOBUFS, ENOMEM),
 * the pending connection stays in the kernel's queue and the listening socket stays readable, so
 * retrying at once would spin. Instead the port stops selecting for accepts and retries after a
 * back-off on the reactor clock: 10 ms, doubling up to 1 s, reset by the next successful accept.
 * The first failure of such a burst is logged at WARN, the rest at DEBUG, and its end at INFO.
 *
 * Reactor thread only.
 */
public final class StreamPort implements ListeningPort, Selectable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPort.class);

  /** Accepts per readiness event, so a connection storm does not starve the rest of the loop. */
  static final int ACCEPTS_PER_PASS = 64;

  /** The first pause after a failed accept. */
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(10);

  /** The longest pause between retries. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /**
   * Takes one connection from a listening socket; {@code ServerSocketChannel::accept} except in
   * tests that simulate running out of descriptors.
   */
  @FunctionalInterface
  interface Acceptor {
    /**
     * Accepts one pending connection.
     *
     * @param server the listening channel, non-blocking
     * @return the connection, or {@code null} when none is pending
     * @throws IOException when accepting fails
     */
    SocketChannel accept(ServerSocketChannel server) throws IOException;
  }

  /** The port's life. Transitions: LISTENING ⇄ BACKING_OFF; either → CLOSED. */
  private enum State {
    /** Selecting for accepts. */
    LISTENING,
    /** An accept failed; not selecting until {@link #retry} runs. */
    BACKING_OFF,
    /** {@link #stopListening()} was called. */
    CLOSED
  }

  private final SelectorLoop loop;
  private final ServerSocketChannel channel;
  private final String kind;
  private final Factory factory;
  private final Acceptor acceptor;
  private final SocketAddress host;

  /** The socket file to delete on close (Unix ports), or {@code null}. */
  private final Path socketFile;

  private SelectionKey key;

  /** The port's life; see {@link State}. */
  private State state = State.LISTENING;

  private Duration backoff = INITIAL_BACKOFF;
  private int failuresInBurst;
  private Duration burstStart;
  private DelayedCall retry;

  /** Callers of {@link #stopListening()} waiting for the descriptor to be released. */
  private List<Deferred<Void>> stopWaiters;

  private boolean released;

  StreamPort(
      SelectorLoop loop,
      ServerSocketChannel channel,
      String kind,
      Factory factory,
      Acceptor acceptor,
      Path socketFile)
      throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.kind = kind;
    this.factory = factory;
    this.acceptor = acceptor;
    this.socketFile = socketFile;
    this.host = channel.getLocalAddress();
  }

  /**
   * Starts the factory and starts accepting.
   *
   * @throws IOException when the channel cannot be registered
   */
  void start() throws IOException {
    factory.doStart();
    try {
      key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
    } catch (IOException | RuntimeException e) {
      factory.doStop();
      throw e;
    }
    loop.track(this);
  }

  @Override
  public SocketAddress getHost() {
    return host;
  }

  @Override
  public void selected(SelectionKey selected) {
    for (int i = 0; i < ACCEPTS_PER_PASS && state == State.LISTENING; i++) {
      SocketChannel accepted;
      try {
        accepted = acceptor.accept(channel);
      } catch (IOException e) {
        acceptFailed(e);
        return;
      }
      if (accepted == null) {
        return;
      }
      if (failuresInBurst > 0) {
        LOG.info(
            "{}: accepting again after {} failed accepts over {} ms",
            describe(),
            failuresInBurst,
            loop.reactor().now().minus(burstStart).toMillis());
        failuresInBurst = 0;
        backoff = INITIAL_BACKOFF;
      }
      connectionAccepted(accepted);
    }
  }

  private void connectionAccepted(SocketChannel accepted) {
    SocketAddress peer;
    try {
      accepted.configureBlocking(false);
      peer = accepted.getRemoteAddress();
    } catch (IOException e) {
      LOG.debug("{}: dropping a connection that failed before it was set up", describe(), e);
      closeQuietly(accepted);
      return;
    }
    Protocol protocol;
    try {
      protocol = factory.buildProtocol(peer);
    } catch (Throwable t) {
      LOG.error(
          "{}: factory {} threw from buildProtocol for {}; closing that connection",
          describe(),
          factory,
          Addresses.format(peer),
          t);
      closeQuietly(accepted);
      return;
    }
    if (protocol == null) {
      LOG.debug("{}: factory refused the connection from {}", describe(), Addresses.format(peer));
      closeQuietly(accepted);
      return;
    }
    StreamConnection connection;
    try {
      connection = new StreamConnection(loop, accepted, kind, protocol, null);
      connection.start();
    } catch (IOException e) {
      LOG.debug("{}: connection from {} failed before it started", describe(), Addresses.format(peer), e);
      closeQuietly(accepted);
    }
  }

  private void acceptFailed(IOException e) {
    failuresInBurst++;
    if (failuresInBurst == 1) {
      burstStart = loop.reactor().now();
      LOG.warn(
          "{}: accept failed ({}{}); not accepting for {} ms, then retrying with back-off up to {} ms",
          describe(),
          e.getMessage(),
          isOutOfDescriptors(e) ? ": out of file descriptors" : "",
          backoff.toMillis(),
          MAX_BACKOFF.toMillis());
    } else {
      LOG.debug(
          "{}: accept failed again ({}), failure {} of this burst; retrying in {} ms",
          describe(),
          e.getMessage(),
          failuresInBurst,
          backoff.toMillis());
    }
    state = State.BACKING_OFF;
    key.interestOps(0);
    retry = loop.reactor().callLater(backoff, this::resumeAccepting);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private static boolean isOutOfDescriptors(IOException e) {
    String message = e.getMessage();
    return message != null && message.contains("Too many open files");
  }

  private void resumeAccepting() {
    retry = null;
    if (state == State.BACKING_OFF) {
      state = State.LISTENING;
      key.interestOps(SelectionKey.OP_ACCEPT);
    }
  }

  /**
   * Stops accepting and closes the socket (a Unix port also deletes its socket file); connections
   * already accepted stay open. The factory is stopped, and the Deferred fires, once the descriptor
   * is released (on a later pass). Calling it again returns a Deferred that fires at the same time.
   */
  @Override
  public Deferred<Void> stopListening() {
    if (released) {
      return Deferred.succeed(null);
    }
    Deferred<Void> stopped = new Deferred<>();
    if (stopWaiters == null) {
      stopWaiters = new ArrayList<>(1);
    }
    stopWaiters.add(stopped);
    if (state != State.CLOSED) {
      state = State.CLOSED;
      if (retry != null && retry.isActive()) {
        retry.cancel();
      }
      retry = null;
      loop.untrack(this);
      ChannelRelease.close(loop, channel, describe(), this::released);
    }
    return stopped;
  }

  private void released() {
    released = true;
    if (socketFile != null) {
      try {
        Files.deleteIfExists(socketFile);
      } catch (IOException e) {
        LOG.warn("{}: cannot delete the socket file {}", describe(), socketFile, e);
      }
    }
    try {
      factory.doStop();
    } catch (Throwable t) {
      LOG.error("{}: factory {} threw from stopFactory", describe(), Addresses.nameOf(factory), t);
    }
    List<Deferred<Void>> waiters = stopWaiters;
    stopWaiters = null;
    for (Deferred<Void> waiter : waiters) {
      waiter.callback(null);
    }
  }

  /** Reactor shutdown: a port just closes. */
  @Override
  public Deferred<Void> shutdown() {
    return stopListening();
  }

  @Override
  public void abort(Throwable reason) {
    LOG.debug("{}: closing because {}", describe(), reason.toString());
    stopListening();
  }

  private static void closeQuietly(SocketChannel accepted) {
    try {
      accepted.close();
    } catch (IOException e) {
      LOG.debug("closing an accepted channel failed; it is closed anyway", e);
    }
  }

  @Override
  public String describe() {
    return kind + " port " + Addresses.format(host) + " (" + Addresses.nameOf(factory) + ")";
  }

  /** The description and the state. */
  @Override
  public String toString() {
    return describe() + " [" + state + "]";
  }
}
