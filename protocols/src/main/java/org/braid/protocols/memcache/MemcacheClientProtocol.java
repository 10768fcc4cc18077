package org.braid.protocols.memcache;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionClosed;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Protocol;
import org.braid.reactor.ReactorTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a memcache server, speaking the text protocol: every {@link MemcacheClient}
 * call writes its request at once and returns a Deferred of the reply (Twisted's {@code
 * MemCacheProtocol}).
 *
 * <pre>{@code
 * Endpoints.clientFromString(reactor, "tcp:host=127.0.0.1:port=11211:timeout=5")
 *     .connect(() -> new MemcacheClientProtocol(reactor))
 *     .addCallbackDeferring(client -> client.set("user:42", bytes)
 *         .addCallbackDeferring(stored -> client.get("user:42")));
 * }</pre>
 *
 * <h2>Pipelining</h2>
 * Requests do not wait for each other: any number may be in flight, and since a memcache server
 * answers in request order, each reply completes the oldest pending request. Cancelling a
 * request's Deferred fails it with {@code CancelledException} at once; the request is already on
 * the wire, so its reply is still read, and dropped.
 *
 * <h2>Timeouts: the whole connection goes</h2>
 * Each request must be answered within the request timeout of being sent, on the injected clock
 * ({@link #DEFAULT_TIMEOUT} unless given). When one is not, every pending request on the
 * connection fails with a {@link TimeoutException} and the connection is aborted. Failing only
 * the late request would be wrong: its reply may still come, and would then be taken as the reply
 * to the next request (a get would return another key's value). Replies carry no request id in the
 * text protocol, so once one reply is missing, none of the later ones can be matched safely.
 * Twisted's client makes the same choice. The protocol is then done; a reconnecting owner makes a
 * new one.
 *
 * <h2>Other failures</h2>
 * <ul>
 *   <li>An error line ({@code ERROR}, {@code CLIENT_ERROR ...}, {@code SERVER_ERROR ...}) fails
 *       that request with a {@link MemcacheErrorException}; the connection goes on.
 *   <li>Bytes that break the protocol's framing (a malformed VALUE line, a reply that does not
 *       answer the oldest request, a line or value above the limits) fail every pending request
 *       with a {@link MemcacheProtocolException} and abort the connection.
 *   <li>When the connection ends, every pending request fails with the reason given to {@link
 *       #connectionLost} (a {@link ConnectionClosed}: {@code ConnectionDone}, {@code
 *       ConnectionLost}); nothing waits forever.
 *   <li>After that, or after a timeout or protocol error, every call fails at once with a {@link
 *       ConnectionClosed} whose cause is why the connection ended. Before {@code connectionMade},
 *       calls fail with {@link IllegalStateException}.
 *   <li>Bad input is refused before anything is sent, with an {@link IllegalArgumentException}:
 *       an invalid key ({@link MemcacheKey}), a value or get above the {@link MemcacheLimits}
 *       given here. The connection is not affected.
 * </ul>
 * No method throws: every problem arrives through the returned Deferred, which is {@link
 * Deferred#describedAs described} as the request and the server, e.g. {@code get "user:42" on
 * 127.0.0.1:11211}.
 *
 * <p>Requests with noreply are not offered: a noreply request's failure could never be reported,
 * and pipelining already sends requests without waiting. Reactor thread only.
 */
public final class MemcacheClientProtocol extends Protocol implements MemcacheClient {
  /** The request timeout when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(MemcacheClientProtocol.class);

  /**
   * The connection's lifecycle. Transitions: NOT_CONNECTED to CONNECTED in {@link
   * #connectionMade}; CONNECTED to DROPPED on a timeout or a protocol error (pending requests
   * failed, connection aborted); CONNECTED or DROPPED to CLOSED in {@link #connectionLost}.
   */
  private enum State {
    /** Before {@code connectionMade}: calls fail with IllegalStateException. */
    NOT_CONNECTED,
    /** Sending and reading. */
    CONNECTED,
    /** Gave up on the connection and aborted it; waiting for {@code connectionLost}. */
    DROPPED,
    /** {@code connectionLost} was delivered. */
    CLOSED
  }

  /** A request written and not answered yet. */
  private record Pending(String description, Deferred<MemcacheReply> deferred, Duration deadline) {}

  private final ReactorTime clock;
  private final Duration requestTimeout;
  private final MemcacheLimits limits;
  private final MemcacheRequestEncoder encoder;
  private final MemcacheReplyParser parser;
  /** Written requests, oldest first; the parser's expectations are in the same order. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  private State state = State.NOT_CONNECTED;
  /** Why the connection was dropped or lost; null while NOT_CONNECTED or CONNECTED. */
  private Throwable closeReason;
  /** The server, for descriptions: "127.0.0.1:11211". */
  private String peer = "(not connected)";
  /**
   * Fires at the oldest pending request's deadline or earlier (it is not moved when a reply
   * arrives; see {@link #timerFired}); null when nothing is pending.
   */
  private DelayedCall timer;

  /**
   * A client with {@link #DEFAULT_TIMEOUT} and {@link MemcacheLimits#DEFAULTS}.
   *
   * @param clock the reactor (or a manual clock in tests), for request timeouts
   */
  public MemcacheClientProtocol(ReactorTime clock) {
    this(clock, DEFAULT_TIMEOUT, MemcacheLimits.DEFAULTS);
  }

  /**
   * A client with the given request timeout and {@link MemcacheLimits#DEFAULTS}.
   *
   * @param clock the reactor (or a manual clock in tests), for request timeouts
   * @param requestTimeout how long each request may wait for its reply; positive
   */
  public MemcacheClientProtocol(ReactorTime clock, Duration requestTimeout) {
    this(clock, requestTimeout, MemcacheLimits.DEFAULTS);
  }

  /**
   * A client. Any thread (it is not yet shared).
   *
   * @param clock the reactor (or a manual clock in tests), for request timeouts
   * @param requestTimeout how long each request may wait for its reply; positive
   * @param limits what requests may send (values, keys per get, line length) and what replies
   *     may hold; match the server's (memcached {@code -I} raises its item size)
   * @throws IllegalArgumentException when the timeout is not positive
   */
  public MemcacheClientProtocol(ReactorTime clock, Duration requestTimeout, MemcacheLimits limits) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
    this.requestTimeout = requestTimeout;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.encoder = new MemcacheRequestEncoder(limits);
    this.parser = new MemcacheReplyParser(limits);
  }

  @Override
  public void connectionMade() {
    state = State.CONNECTED;
    peer = describePeer(transport().getPeer());
    // Requests are small and pipelined: send each at once instead of waiting for an ACK.
    transport().setTcpNoDelay(true);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The request is written before this returns; its Deferred fires when its reply is read.
   */
  @Override
  public Deferred<MemcacheReply> send(MemcacheRequest request) {
    if (request == null) {
      return Deferred.fail(new IllegalArgumentException("request is null"));
    }
    String description = describe(request) + " on " + peer;
    if (!request.expectsReply()) {
      return failed(description, new IllegalArgumentException(description
          + ": requests without a reply (noreply, quit) are not supported; their failures could"
          + " never be reported"));
    }
    switch (state) {
      case NOT_CONNECTED -> {
        return failed(description, new IllegalStateException(description
            + ": not connected yet; use the protocol once connectionMade has run (the Deferred of"
            + " ClientEndpoint.connect fires then)"));
      }
      case DROPPED, CLOSED -> {
        return failed(description, new ConnectionClosed(description + ": the connection is "
            + (state == State.DROPPED ? "dropped" : "closed") + " (" + closeReason + ")",
            closeReason));
      }
      case CONNECTED -> {
        if (transport().isDisconnecting()) {
          return failed(description, new ConnectionClosed(description
              + ": the connection is closing (loseConnection was called)", null));
        }
      }
    }
    List<byte[]> parts = new ArrayList<>(3);
    try {
      encoder.encodeInto(request, parts);
    } catch (IllegalArgumentException e) {
      return failed(description, e);
    }
    Deferred<MemcacheReply> reply = new Deferred<MemcacheReply>().describedAs(description);
    pending.addLast(new Pending(description, reply, clock.now().plus(requestTimeout)));
    parser.expect(request);
    if (timer == null) {
      timer = clock.callLater(requestTimeout, this::timerFired);
    }
    transport().writeSequence(parts);
    return reply;
  }

  @Override
  public void dataReceived(byte[] data) {
    if (state != State.CONNECTED) {
      return; // dropped: late bytes can no longer be matched to requests
    }
    try {
      parser.feed(data, this::replyReceived);
    } catch (MemcacheProtocolException e) {
      drop(e, (head, description) -> {
        if (head) {
          return e;
        }
        MemcacheProtocolException dropped = new MemcacheProtocolException(description
            + ": dropped unanswered, an earlier reply broke the protocol: " + e.getMessage());
        dropped.initCause(e);
        return dropped;
      });
    }
  }

  private void replyReceived(MemcacheReply reply) {
    Pending head = pending.pollFirst();
    if (head == null) {
      return; // the connection was lost from inside an earlier reply's callbacks
    }
    if (pending.isEmpty()) {
      cancelTimer();
    }
    if (reply instanceof ErrorReply error) {
      LOG.debug("{} failed: {}", head.description(), error.line());
      head.deferred().tryErrback(error.toException(head.description()));
    } else {
      head.deferred().tryCallback(reply);
    }
  }

  /**
   * The timer fires at the deadline of whichever request was oldest when it was armed. Replies
   * do not move it (that would cost a timer-heap update per reply); instead, when it fires and
   * the oldest pending request is younger, it is armed again for that request's deadline.
   */
  private void timerFired() {
    timer = null;
    Pending head = pending.peekFirst();
    if (head == null || state != State.CONNECTED) {
      return;
    }
    Duration now = clock.now();
    if (head.deadline().compareTo(now) > 0) {
      timer = clock.callLater(head.deadline().minus(now), this::timerFired);
      return;
    }
    String timeout = formatDuration(requestTimeout);
    int count = pending.size();
    drop(new TimeoutException(head.description() + ": no reply within " + timeout
            + "; the connection was dropped with " + count + " pending request"
            + (count == 1 ? "" : "s")),
        (isHead, description) -> isHead
            ? null
            : new TimeoutException(description + ": dropped unanswered because "
                + head.description() + " got no reply within " + timeout));
  }

  /** Makes the exception for one pending request; null means the drop's own reason. */
  @FunctionalInterface
  private interface DropError {
    Throwable forRequest(boolean head, String description);
  }

  /**
   * Gives up on the connection: fails every pending request (the oldest with {@code reason}, the
   * others with what {@code errors} makes) and aborts the transport.
   */
  private void drop(Throwable reason, DropError errors) {
    LOG.warn("dropping memcache connection to {} with {} pending: {}", peer, pending.size(),
        reason.getMessage());
    state = State.DROPPED;
    closeReason = reason;
    cancelTimer();
    boolean head = true;
    for (Pending p = pending.pollFirst(); p != null; p = pending.pollFirst()) {
      Throwable error = errors.forRequest(head, p.description());
      p.deferred().tryErrback(error == null ? reason : error);
      head = false;
    }
    transport().abortConnection();
  }

  @Override
  public void connectionLost(Failure reason) {
    if (closeReason == null) {
      closeReason = reason.value();
    }
    state = State.CLOSED;
    cancelTimer();
    if (!pending.isEmpty()) {
      LOG.debug("memcache connection to {} lost with {} pending: {}", peer, pending.size(),
          reason.getErrorMessage());
    }
    for (Pending p = pending.pollFirst(); p != null; p = pending.pollFirst()) {
      p.deferred().tryErrback(reason.value());
    }
  }

  /**
   * How many requests wait for their reply.
   *
   * @return the count
   */
  public int pendingCount() {
    return pending.size();
  }

  /**
   * Whether requests can be sent: connected, and not dropped, closing or closed.
   *
   * @return true while calls are written to the server
   */
  public boolean isConnected() {
    return state == State.CONNECTED && !transport().isDisconnecting();
  }

  /**
   * How long each request may wait for its reply.
   *
   * @return the request timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * The limits requests and replies are checked against.
   *
   * @return the limits
   */
  public MemcacheLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    Pending head = pending.peekFirst();
    return "MemcacheClientProtocol[" + state + " " + peer + ", " + pending.size() + " pending"
        + (head == null ? "" : ", oldest: " + head.description()) + "]";
  }

  private void cancelTimer() {
    if (timer != null) {
      if (timer.isActive()) {
        timer.cancel();
      }
      timer = null;
    }
  }

  private static <T> Deferred<T> failed(String description, Throwable error) {
    return Deferred.<T>fail(error).describedAs(description);
  }

  /** {@code get "user:42"}, {@code set "k" (5 bytes)}: the request for messages, no data. */
  static String describe(MemcacheRequest request) {
    return switch (request) {
      case MemcacheRequest.Get get -> (get.withCas() ? "gets " : "get ")
          + Ascii.excerpt(get.keys().get(0))
          + (get.keys().size() == 1 ? "" : " and " + (get.keys().size() - 1) + " more keys");
      case MemcacheRequest.Store store -> store.command().wireName() + " "
          + Ascii.excerpt(store.key()) + " (" + store.data().length + " bytes)";
      case MemcacheRequest.Delete delete -> "delete " + Ascii.excerpt(delete.key());
      case MemcacheRequest.Counter counter -> counter.command().wireName() + " "
          + Ascii.excerpt(counter.key()) + " " + Long.toUnsignedString(counter.delta());
      case MemcacheRequest.Touch touch -> "touch " + Ascii.excerpt(touch.key()) + " "
          + touch.exptime();
      default -> request.describe();
    };
  }

  static String describePeer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** {@code 5s}, {@code 250ms}: shorter than Duration's ISO form in messages. */
  static String formatDuration(Duration duration) {
    if (duration.toNanosPart() == 0) {
      return duration.toSeconds() + "s";
    }
    if (duration.toNanos() % 1_000_000 == 0) {
      return duration.toMillis() + "ms";
    }
    return duration.toString();
  }
}
