package org.braid.reactor.testing;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.ConnectionLost;
import org.braid.reactor.Protocol;

/**
 * Wires a client protocol to a server protocol in memory and moves bytes between them only when
 * the test says so (Twisted's {@code iosim.connect} and {@code IOPump}).
 *
 * <pre>{@code
 * Loopback loopback = Loopback.connect(new EchoServer(), client);
 * client.transport().write(bytes("hello"));
 * loopback.flush();
 * assertThat(client.received()).isEqualTo("hello");
 * }</pre>
 *
 * <h2>What a pump does</h2>
 * {@link #pump()} makes one round, client to server first and then server to client. For each
 * direction it:
 * <ol>
 *   <li>finishes an {@code abortConnection}: that side gets {@link ConnectionAborted}, the other
 *       {@link ConnectionLost} (a reset);
 *   <li>delivers what the sender had written when the round began, as one {@code dataReceived}
 *       (or chunks of at most {@link #setMaxChunkSize(int) the chunk size}), while the receiver
 *       is reading: not paused, not closing (what a protocol writes during a round waits for the
 *       next one, as with Twisted's {@code IOPump});
 *   <li>once everything the sender wrote is delivered: completes its {@code loseConnection} (it
 *       gets {@link ConnectionDone}; the receiver then sees end-of-stream through {@code
 *       readConnectionLost}, whose default loses the connection), or its {@code
 *       loseWriteConnection} ({@code writeConnectionLost}, then end-of-stream for the receiver), or
 *       asks its pull producer for more; a streaming producer is resumed once undelivered bytes
 *       fall to the low-water mark.
 * </ol>
 * When both halves of a side are closed it closes with {@link ConnectionDone}. Bytes written to a
 * side that has closed are dropped. {@link #flush()} pumps until a round changes nothing.
 *
 * <p>Exceptions thrown by the protocols propagate out of {@code pump()}, so the test sees them.
 * {@code connect} calls the server's then the client's {@code makeConnection} and pumps nothing.
 * Test thread only.
 */
public final class Loopback {
  /** The most rounds {@link #flush()} runs before deciding the protocols never go quiet. */
  public static final int MAX_FLUSH_ROUNDS = 100_000;

  /** The server's address as both sides see it. */
  public static final InetSocketAddress SERVER_ADDRESS = new InetSocketAddress("127.0.0.1", 8080);

  /** The client's address as both sides see it. */
  public static final InetSocketAddress CLIENT_ADDRESS = new InetSocketAddress("127.0.0.1", 54321);

  private final LoopbackTransport server;
  private final LoopbackTransport client;
  private int maxChunkSize = Integer.MAX_VALUE;

  private Loopback(LoopbackTransport server, LoopbackTransport client) {
    this.server = server;
    this.client = client;
  }

  /**
   * Connects the two protocols: the server's {@code makeConnection}, then the client's.
   *
   * @param serverProtocol the accepting side
   * @param clientProtocol the connecting side
   * @return the loopback, which pumps bytes between them
   */
  public static Loopback connect(Protocol serverProtocol, Protocol clientProtocol) {
    Objects.requireNonNull(serverProtocol, "serverProtocol");
    Objects.requireNonNull(clientProtocol, "clientProtocol");
    LoopbackTransport server =
        new LoopbackTransport("server", SERVER_ADDRESS, CLIENT_ADDRESS, serverProtocol);
    LoopbackTransport client =
        new LoopbackTransport("client", CLIENT_ADDRESS, SERVER_ADDRESS, clientProtocol);
    serverProtocol.makeConnection(server);
    clientProtocol.makeConnection(client);
    return new Loopback(server, client);
  }

  /**
   * The server protocol's transport.
   *
   * @return the transport
   */
  public LoopbackTransport serverTransport() {
    return server;
  }

  /**
   * The client protocol's transport.
   *
   * @return the transport
   */
  public LoopbackTransport clientTransport() {
    return client;
  }

  /**
   * Limits each {@code dataReceived} to {@code size} bytes (1 feeds protocols one byte at a time,
   * to break parsers on purpose).
   *
   * @param size the most bytes per delivery, at least 1
   */
  public void setMaxChunkSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1: " + size);
    }
    this.maxChunkSize = size;
  }

  /**
   * Runs one round in each direction, client to server first.
   *
   * @return whether anything happened (bytes moved, a close or half-close progressed, a producer
   *     was resumed)
   */
  public boolean pump() {
    // As Twisted's IOPump: a round moves what was written before it began; what the receivers
    // write while it runs waits for the next round.
    long fromClient = client.outboundSize;
    long fromServer = server.outboundSize;
    boolean progress = pumpOneWay(client, server, fromClient);
    progress |= pumpOneWay(server, client, fromServer);
    return progress;
  }

  /**
   * Pumps until a round changes nothing.
   *
   * @throws IllegalStateException when the protocols are still busy after {@link
   *     #MAX_FLUSH_ROUNDS} rounds (they keep answering each other)
   */
  public void flush() {
    for (int round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      if (!pump()) {
        return;
      }
    }
    throw new IllegalStateException(
        "the loopback is still busy after " + MAX_FLUSH_ROUNDS + " rounds: " + this);
  }

  private boolean pumpOneWay(LoopbackTransport from, LoopbackTransport to, long budget) {
    if (from.state == LoopbackTransport.State.ABORTING) {
      from.closeLocal(new ConnectionAborted());
      if (to.state != LoopbackTransport.State.CLOSED) {
        to.closeLocal(new ConnectionLost("Connection to the other side was lost in a non-clean fashion: Connection reset by peer.", null));
      }
      return true;
    }
    boolean progress = false;
    if (budget > 0) {
      if (to.state == LoopbackTransport.State.CLOSED) {
        from.outbound.clear();
        from.outboundSize = 0;
        from.outboundHeadOffset = 0;
        progress = true;
      } else {
        while (budget > 0 && from.outboundSize > 0 && to.isReading()) {
          byte[] chunk = takeChunk(from, budget);
          budget -= chunk.length;
          progress = true;
          resumeStreamingProducer(from);
          to.protocol.dataReceived(chunk);
        }
      }
    }
    if (from.outboundSize == 0) {
      progress |= afterDrained(from, to);
    }
    return progress;
  }

  private byte[] takeChunk(LoopbackTransport from, long budget) {
    int size = (int) Math.min(Math.min(from.outboundSize, budget), maxChunkSize);
    byte[] chunk = new byte[size];
    int filled = 0;
    while (filled < size) {
      // An offset into the first array instead of copying its rest: small chunks of a large
      // write would otherwise cost time quadratic in the write's size.
      byte[] head = from.outbound.peekFirst();
      int offset = from.outboundHeadOffset;
      int take = Math.min(head.length - offset, size - filled);
      System.arraycopy(head, offset, chunk, filled, take);
      filled += take;
      if (offset + take == head.length) {
        from.outbound.pollFirst();
        from.outboundHeadOffset = 0;
      } else {
        from.outboundHeadOffset = offset + take;
      }
    }
    from.outboundSize -= size;
    return chunk;
  }

  private static void resumeStreamingProducer(LoopbackTransport from) {
    if (from.producer != null
        && from.streamingProducer
        && from.producerPaused
        && from.outboundSize <= from.lowWater) {
      from.producerPaused = false;
      from.producer.resumeProducing();
    }
  }

  /** Everything {@code from} wrote was delivered: closes, half-closes, EOF, pull producers. */
  private static boolean afterDrained(LoopbackTransport from, LoopbackTransport to) {
    boolean progress = false;
    if (from.state == LoopbackTransport.State.DISCONNECTING) {
      from.finQueued = true;
      from.closeLocal(new ConnectionDone());
      progress = true;
    } else if (from.state == LoopbackTransport.State.OPEN) {
      if (from.writeHalf == LoopbackTransport.WriteHalf.CLOSING) {
        from.writeHalf = LoopbackTransport.WriteHalf.CLOSED;
        from.finQueued = true;
        from.protocol.writeConnectionLost();
        closeIfBothHalvesClosed(from);
        progress = true;
      } else if (from.producer != null && !from.streamingProducer && from.pullResumeDue) {
        from.pullResumeDue = false;
        from.producer.resumeProducing();
        progress = true;
      }
    }
    if (from.finQueued && !to.eofReceived && to.isReading() && from.outboundSize == 0) {
      to.eofReceived = true;
      to.protocol.readConnectionLost();
      closeIfBothHalvesClosed(to);
      progress = true;
    }
    return progress;
  }

  private static void closeIfBothHalvesClosed(LoopbackTransport side) {
    if (side.state == LoopbackTransport.State.OPEN
        && side.eofReceived
        && side.writeHalf == LoopbackTransport.WriteHalf.CLOSED) {
      side.closeLocal(new ConnectionDone());
    }
  }

  @Override
  public String toString() {
    return "Loopback[" + client + " <-> " + server + "]";
  }
}
