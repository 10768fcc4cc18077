package org.braid.reactor;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One connection, as a protocol sees it (Twisted's {@code ITransport} with {@code ITCPTransport}'s
 * switches and {@code IConsumer}/{@code IPushProducer}).
 *
 * <p>Writes are buffered and never block; the transport writes what the socket accepts and keeps
 * the rest. Backpressure both ways: a registered producer is paused when the write buffer passes
 * the high-water mark and resumed below the low-water mark; {@link #pauseProducing()} on the
 * transport itself stops reading from the socket. Reactor thread only.
 */
public interface Transport extends PushProducer {

  /**
   * Queues bytes for sending. The array is not copied if it can be written at once; do not change
   * it afterwards.
   *
   * @param data the bytes
   */
  void write(byte[] data);

  /**
   * Queues the remaining bytes of {@code data} for sending; the buffer's content is copied or
   * written before this returns, so the caller may reuse it. Its position is moved to its limit,
   * as a channel write would (also when the write is ignored after {@link #loseConnection()}).
   *
   * @param data the bytes between position and limit
   */
  void write(ByteBuffer data);

  /**
   * Queues several byte arrays, in order, as if written one by one (one system call where
   * possible).
   *
   * @param data the pieces
   */
  void writeSequence(List<byte[]> data);

  /**
   * Closes the connection once every queued byte is sent; the protocol's {@code connectionLost}
   * then gets a {@link ConnectionDone}. Further writes are ignored. Calling it again does nothing.
   */
  void loseConnection();

  /**
   * Closes the connection now, dropping queued bytes; {@code connectionLost} gets a {@link
   * ConnectionAborted}.
   */
  void abortConnection();

  /**
   * Half-closes: sends EOF after the queued bytes, while still reading. The protocol is told
   * through {@link Protocol#writeConnectionLost()}.
   */
  void loseWriteConnection();

  /**
   * Tells whether {@link #loseConnection()} was called; protocols check it to stop processing
   * input that arrives after they asked to close.
   *
   * @return whether the connection is closing or closed
   */
  boolean isDisconnecting();

  /**
   * The local address.
   *
   * @return the address this side is bound to
   */
  SocketAddress getHost();

  /**
   * The remote address.
   *
   * @return the peer's address
   */
  SocketAddress getPeer();

  /**
   * Turns TCP_NODELAY on or off (no effect on transports without it).
   *
   * @param on whether to send small writes at once
   */
  void setTcpNoDelay(boolean on);

  /**
   * Turns SO_KEEPALIVE on or off (no effect on transports without it).
   *
   * @param on whether to probe idle connections
   */
  void setTcpKeepAlive(boolean on);

  /**
   * Tells whether TCP_NODELAY is on ({@code false} on transports without it).
   *
   * @return the option's value
   */
  boolean getTcpNoDelay();

  /**
   * Tells whether SO_KEEPALIVE is on ({@code false} on transports without it).
   *
   * @return the option's value
   */
  boolean getTcpKeepAlive();

  /**
   * How many bytes were written to this transport but not yet taken by the socket: what the water
   * marks of {@link #setWriteBufferWaterMarks} are compared with.
   *
   * @return the byte count
   */
  long writeBufferSize();

  /**
   * Sets the write buffer's water marks (defaults: 16 KiB low, 64 KiB high). A streaming producer
   * is paused when a write takes {@link #writeBufferSize()} above {@code highWater}, and resumed
   * when the socket has drained it to {@code lowWater} or below. Takes effect at the next write or
   * drain.
   *
   * @param lowWater resume at or below this many buffered bytes, at least 0
   * @param highWater pause above this many buffered bytes, at least {@code lowWater}
   * @throws IllegalArgumentException when {@code lowWater < 0} or {@code highWater < lowWater}
   */
  void setWriteBufferWaterMarks(int lowWater, int highWater);

  /**
   * Registers a producer that writes to this transport; it is paused and resumed with the write
   * buffer's water marks, and stopped when the connection ends.
   *
   * <p>A pull producer is asked for its first chunk at once, and for one more each time what it
   * wrote has drained. Registering on a connection that is already closed calls the producer's
   * {@link PushProducer#stopProducing()} at once.
   *
   * @param producer the producer
   * @param streaming {@code true} for a push producer (produces until paused); {@code false} for a
   *     pull producer ({@link PushProducer#resumeProducing()} is called each time the buffer
   *     drains, to produce one more chunk)
   * @throws IllegalStateException when a producer is already registered
   */
  void registerProducer(PushProducer producer, boolean streaming);

  /**
   * Removes the registered producer.
   *
   * @throws IllegalStateException when none is registered
   */
  void unregisterProducer();
}
