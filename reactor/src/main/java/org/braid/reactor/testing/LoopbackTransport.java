package org.braid.reactor.testing;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.braid.deferred.Failure;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.braid.reactor.Transport;

/**
 * One side of a {@link Loopback}: a transport whose writes wait in memory until the loopback's
 * pump delivers them to the other side's protocol. Behaves as the socket transport does where a
 * protocol can tell: writes after closing are ignored, {@code connectionLost} is never delivered
 * inside a call the protocol made, producers are paused above the high-water mark of undelivered
 * bytes and resumed at the low-water mark, a pull producer is asked for more once what it wrote
 * was delivered, and pausing the transport stops deliveries to its protocol. Test thread only.
 */
public final class LoopbackTransport implements Transport {

  /** The side's life. Transitions: OPEN → DISCONNECTING → CLOSED; OPEN → ABORTING → CLOSED. */
  enum State {
    OPEN,
    /** loseConnection: not reading; closes once everything written was delivered. */
    DISCONNECTING,
    /** abortConnection: closes on the next pump. */
    ABORTING,
    CLOSED
  }

  /** The sending half. Transitions: OPEN → CLOSING → CLOSED (EOF queued for the peer). */
  enum WriteHalf {
    OPEN,
    CLOSING,
    CLOSED
  }

  private final String name;
  private final SocketAddress host;
  private final SocketAddress peer;
  final Protocol protocol;

  /** Bytes written and not yet delivered to the peer, in order. */
  final ArrayDeque<byte[]> outbound = new ArrayDeque<>();

  long outboundSize;

  /** How much of {@code outbound}'s first array was already delivered. */
  int outboundHeadOffset;
  State state = State.OPEN;
  WriteHalf writeHalf = WriteHalf.OPEN;

  /** This side sent EOF (full or half close); the peer sees it after the bytes before it. */
  boolean finQueued;

  /** The peer's EOF was delivered to this side's protocol. */
  boolean eofReceived;

  boolean readingPaused;
  private boolean tcpNoDelay;
  private boolean tcpKeepAlive;
  int lowWater = 16 * 1024;
  int highWater = 64 * 1024;
  PushProducer producer;
  boolean streamingProducer;
  boolean producerPaused;
  boolean pullResumeDue;

  LoopbackTransport(String name, SocketAddress host, SocketAddress peer, Protocol protocol) {
    this.name = name;
    this.host = host;
    this.peer = peer;
    this.protocol = protocol;
  }

  /** Whether deliveries to this side's protocol may happen now. */
  boolean isReading() {
    return state == State.OPEN && !readingPaused && !eofReceived;
  }

  // --- writing -----------------------------------------------------------------------------------

  @Override
  public void write(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (!acceptsWrites() || data.length == 0) {
      return;
    }
    outbound.addLast(data.clone());
    outboundSize += data.length;
    afterWrite();
  }

  @Override
  public void write(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    write(bytes);
  }

  @Override
  public void writeSequence(List<byte[]> data) {
    Objects.requireNonNull(data, "data");
    for (byte[] piece : data) {
      write(piece);
    }
  }

  private boolean acceptsWrites() {
    return state == State.OPEN && writeHalf == WriteHalf.OPEN;
  }

  private void afterWrite() {
    if (producer == null) {
      return;
    }
    if (!streamingProducer) {
      pullResumeDue = true;
    } else if (!producerPaused && outboundSize > highWater) {
      producerPaused = true;
      producer.pauseProducing();
    }
  }

  @Override
  public long writeBufferSize() {
    return outboundSize;
  }

  @Override
  public void setWriteBufferWaterMarks(int lowWater, int highWater) {
    if (lowWater < 0 || highWater < lowWater) {
      throw new IllegalArgumentException(
          "water marks need 0 <= lowWater <= highWater; got lowWater "
              + lowWater
              + ", highWater "
              + highWater);
    }
    this.lowWater = lowWater;
    this.highWater = highWater;
  }

  // --- closing -----------------------------------------------------------------------------------

  @Override
  public void loseConnection() {
    if (state == State.OPEN) {
      state = State.DISCONNECTING;
    }
  }

  @Override
  public void abortConnection() {
    if (state == State.OPEN || state == State.DISCONNECTING) {
      state = State.ABORTING;
      outbound.clear();
      outboundSize = 0;
      outboundHeadOffset = 0;
    }
  }

  @Override
  public void loseWriteConnection() {
    if (state == State.OPEN && writeHalf == WriteHalf.OPEN) {
      writeHalf = WriteHalf.CLOSING;
    }
  }

  @Override
  public boolean isDisconnecting() {
    return state != State.OPEN;
  }

  /**
   * Tells whether this side has closed and its protocol got {@code connectionLost}.
   *
   * @return whether it is closed
   */
  public boolean isClosed() {
    return state == State.CLOSED;
  }

  /** Closes this side: stops its producer and tells its protocol. */
  void closeLocal(Throwable reason) {
    state = State.CLOSED;
    outbound.clear();
    outboundSize = 0;
    outboundHeadOffset = 0;
    PushProducer stopped = producer;
    producer = null;
    if (stopped != null) {
      stopped.stopProducing();
    }
    protocol.connectionLost(new Failure(reason));
  }

  // --- producers ---------------------------------------------------------------------------------

  @Override
  public void registerProducer(PushProducer producer, boolean streaming) {
    Objects.requireNonNull(producer, "producer");
    if (this.producer != null) {
      throw new IllegalStateException(
          "Cannot register producer "
              + producer
              + " on "
              + this
              + ": producer "
              + this.producer
              + " was never unregistered");
    }
    if (state == State.CLOSED || state == State.ABORTING) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streamingProducer = streaming;
    this.producerPaused = false;
    this.pullResumeDue = false;
    if (!streaming) {
      producer.resumeProducing();
    }
  }

  @Override
  public void unregisterProducer() {
    if (producer == null) {
      throw new IllegalStateException("no producer is registered on " + this);
    }
    producer = null;
    producerPaused = false;
    pullResumeDue = false;
  }

  /** Stops deliveries to this side's protocol until {@link #resumeProducing()}. */
  @Override
  public void pauseProducing() {
    readingPaused = true;
  }

  @Override
  public void resumeProducing() {
    readingPaused = false;
  }

  /** Loses the connection, as a socket transport does. */
  @Override
  public void stopProducing() {
    loseConnection();
  }

  // --- addresses and options ---------------------------------------------------------------------

  @Override
  public SocketAddress getHost() {
    return host;
  }

  @Override
  public SocketAddress getPeer() {
    return peer;
  }

  @Override
  public void setTcpNoDelay(boolean on) {
    tcpNoDelay = on;
  }

  @Override
  public void setTcpKeepAlive(boolean on) {
    tcpKeepAlive = on;
  }

  @Override
  public boolean getTcpNoDelay() {
    return tcpNoDelay;
  }

  @Override
  public boolean getTcpKeepAlive() {
    return tcpKeepAlive;
  }

  @Override
  public String toString() {
    return "LoopbackTransport["
        + name
        + " "
        + host
        + " -> "
        + peer
        + ", "
        + state
        + ", write half "
        + writeHalf
        + ", "
        + outboundSize
        + " bytes undelivered]";
  }
}
