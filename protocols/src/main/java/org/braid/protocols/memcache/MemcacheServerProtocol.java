package org.braid.protocols.memcache;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of a {@link MemcacheServer}: feeds the bytes to a {@link
 * MemcacheRequestParser}, carries each request out on the server's {@link MemcacheStore} and writes
 * the reply with {@link MemcacheReplyEncoder}, in request order. Rejected requests get their error
 * line; a rejection that loses the framing (a line above the limit, a bad data chunk, an unreadable
 * data length) closes this connection only, after its error line. {@code quit} closes it too.
 *
 * <p>The server's {@link MemcacheFailureMode} is read as each event happens: at connect (accept
 * then close), for each request (never answer, fail the Nth write) and for each reply (slow,
 * answer half then stall). Made by {@link MemcacheServer#factory()}. Reactor thread only.
 */
public final class MemcacheServerProtocol extends Protocol {
  private static final Logger LOG = LoggerFactory.getLogger(MemcacheServerProtocol.class);

  /**
   * The connection's lifecycle: NEW to OPEN in {@code connectionMade} (or straight to CLOSING when
   * the server turns it away); OPEN to STALLED when a reply was half written on purpose; OPEN or
   * STALLED to CLOSING when this side decides to close; any to CLOSED in {@code connectionLost}.
   */
  private enum State {
    /** Before {@code connectionMade}. */
    NEW,
    /** Reading requests and answering them. */
    OPEN,
    /** {@link MemcacheFailureMode#ANSWER_HALF_THEN_STALL} struck: input is ignored. */
    STALLED,
    /** This side closes (after writes that are still delayed); input is ignored. */
    CLOSING,
    /** {@code connectionLost} was delivered. */
    CLOSED
  }

  /** Bytes to write at a later time ({@link MemcacheFailureMode.Slow}); null parts: close. */
  private record Delayed(Duration releaseAt, List<byte[]> parts) {}

  private final MemcacheServer server;
  private final MemcacheRequestParser parser;
  /** Replies (and a close) waiting for their time, in order; release times never decrease. */
  private final ArrayDeque<Delayed> delayed = new ArrayDeque<>();

  private State state = State.NEW;
  private DelayedCall delayTimer;
  private String peer = "(not connected)";

  MemcacheServerProtocol(MemcacheServer server) {
    this.server = server;
    this.parser = new MemcacheRequestParser(server.limits());
  }

  @Override
  public void connectionMade() {
    peer = MemcacheClientProtocol.describePeer(transport().getPeer());
    MemcacheServer.Admission admission = server.connectionOpened(this);
    switch (admission) {
      case ACCEPTED -> state = State.OPEN;
      case CLOSE_AT_ONCE -> {
        state = State.CLOSING;
        transport().loseConnection();
      }
      case TOO_MANY_CONNECTIONS -> {
        state = State.CLOSING;
        LOG.warn("memcache server {}: refusing connection from {}: {} connections open, the"
            + " maximum", server.where(), peer, server.maxConnections());
        write(List.of(MemcacheReplyEncoder.encode(
            ErrorReply.serverError("too many connections"))));
        transport().loseConnection();
      }
    }
  }

  @Override
  public void dataReceived(byte[] data) {
    server.bytesRead(data.length);
    if (state != State.OPEN || transport().isDisconnecting()) {
      return;
    }
    parser.feed(data, this::requestReceived);
  }

  private void requestReceived(ParsedRequest parsed) {
    if (state != State.OPEN) {
      return; // stalled or closing in the middle of a chunk
    }
    switch (parsed) {
      case RejectedRequest rejected -> {
        if (rejected.closeConnection()) {
          LOG.warn("memcache server {}: closing connection from {}: {}", server.where(), peer,
              rejected.reason());
        } else {
          LOG.debug("memcache server {}: {} from {}: {}", server.where(),
              rejected.reply().line(), peer, rejected.reason());
        }
        if (rejected.sendsReply()) {
          reply(encode(rejected.reply()));
        }
        if (rejected.closeConnection()) {
          close();
        }
      }
      case MemcacheRequest.Quit quit -> close();
      case MemcacheRequest request -> {
        if (server.failureMode() == MemcacheFailureMode.NEVER_ANSWER) {
          return;
        }
        MemcacheReply reply = request instanceof MemcacheRequest.Store store
            ? server.storageCommand(store)
            : server.execute(request);
        if (request.expectsReply()) {
          reply(encode(reply));
        }
      }
    }
  }

  private static List<byte[]> encode(MemcacheReply reply) {
    List<byte[]> parts = new ArrayList<>(3);
    MemcacheReplyEncoder.encodeInto(reply, parts);
    return parts;
  }

  /** Writes a reply now, later, or half of it, as the failure mode says. */
  private void reply(List<byte[]> parts) {
    MemcacheFailureMode mode = server.failureMode();
    if (mode == MemcacheFailureMode.ANSWER_HALF_THEN_STALL) {
      byte[] whole = concat(parts);
      byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
      LOG.debug("memcache server {}: ANSWER_HALF_THEN_STALL: wrote {} of {} reply bytes to {}, then"
          + " stalling", server.where(), half.length, whole.length, peer);
      state = State.STALLED;
      drainDelayedNow();
      write(List.of(half));
      return;
    }
    Duration delay = mode instanceof MemcacheFailureMode.Slow slow ? slow.delay() : Duration.ZERO;
    if (delay.isZero() && delayed.isEmpty()) {
      write(parts);
    } else {
      delay(parts, delay);
    }
  }

  /** Closes once every reply written or delayed so far has gone out. */
  private void close() {
    state = State.CLOSING;
    if (delayed.isEmpty()) {
      transport().loseConnection();
    } else {
      delay(null, Duration.ZERO);
    }
  }

  private void delay(List<byte[]> parts, Duration delay) {
    Duration now = server.clock().now();
    Duration releaseAt = now.plus(delay);
    Delayed last = delayed.peekLast();
    if (last != null && last.releaseAt().compareTo(releaseAt) > 0) {
      releaseAt = last.releaseAt(); // never overtake an earlier reply
    }
    delayed.addLast(new Delayed(releaseAt, parts));
    if (delayTimer == null) {
      delayTimer = server.clock().callLater(releaseAt.minus(now), this::releaseDue);
    }
  }

  private void releaseDue() {
    delayTimer = null;
    Duration now = server.clock().now();
    while (!delayed.isEmpty() && delayed.peekFirst().releaseAt().compareTo(now) <= 0) {
      Delayed next = delayed.pollFirst();
      if (next.parts() == null) {
        transport().loseConnection();
      } else {
        write(next.parts());
      }
    }
    Delayed head = delayed.peekFirst();
    if (head != null) {
      delayTimer = server.clock().callLater(head.releaseAt().minus(now), this::releaseDue);
    }
  }

  /** Writes what is delayed at once (before a stall: the half reply must come after them). */
  private void drainDelayedNow() {
    cancelDelayTimer();
    for (Delayed next = delayed.pollFirst(); next != null; next = delayed.pollFirst()) {
      if (next.parts() != null) {
        write(next.parts());
      }
    }
  }

  private void write(List<byte[]> parts) {
    long length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    server.bytesWritten(length);
    transport().writeSequence(parts);
  }

  @Override
  public void connectionLost(Failure reason) {
    state = State.CLOSED;
    cancelDelayTimer();
    delayed.clear();
    server.connectionClosed(this);
  }

  /** Asks this connection to close after its pending writes (server shutdown). */
  void shutdown() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSING;
    cancelDelayTimer();
    delayed.clear();
    transport().loseConnection();
  }

  private void cancelDelayTimer() {
    if (delayTimer != null) {
      if (delayTimer.isActive()) {
        delayTimer.cancel();
      }
      delayTimer = null;
    }
  }

  private static byte[] concat(List<byte[]> parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] whole = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, whole, at, part.length);
      at += part.length;
    }
    return whole;
  }

  @Override
  public String toString() {
    return "MemcacheServerProtocol[" + state + " " + peer + ", " + parser
        + (delayed.isEmpty() ? "" : ", " + delayed.size() + " delayed writes") + "]";
  }
}
