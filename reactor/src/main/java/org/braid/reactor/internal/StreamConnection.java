package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.ConnectionLost;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.braid.reactor.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP or Unix-domain stream connection: the {@link Transport} its protocol writes to, and the
 * {@link Selectable} the loop drives (Twisted's {@code tcp.Connection} with {@code
 * abstract.FileDescriptor}'s buffering and producer rules).
 *
 * <h2>Writing</h2>
 * A write goes straight to the socket when nothing is queued, and what the socket does not take is
 * queued and flushed with gathering writes when the loop reports the socket writable. A streaming
 * producer is paused when a write takes the queue above the high-water mark and resumed when the
 * queue has drained to the low-water mark. A pull producer is asked for one more chunk, on a later
 * pass, each time what it wrote has drained.
 *
 * <h2>Closing</h2>
 * Nothing a protocol calls on its transport calls back into the protocol before it returns:
 * {@code connectionLost} always comes from the loop (a readiness event or a {@code callLater(0)}),
 * so a protocol never sees it in the middle of its own {@code dataReceived}.
 *
 * <ul>
 *   <li>{@link #loseConnection()}: stop reading, flush, close; {@link ConnectionDone}.
 *   <li>{@link #abortConnection()}: drop the queue, close with a reset (SO_LINGER 0) on the next
 *       pass; {@link ConnectionAborted}.
 *   <li>A read or write error: {@link ConnectionLost} with the {@link IOException} as its cause.
 *   <li>A protocol or producer method throws: logged with the peer, and the connection is closed
 *       with that exception as the reason.
 *   <li>Half-close: {@link #loseWriteConnection()} sends EOF after the queue drains ({@code
 *       writeConnectionLost}); the peer's EOF stops reading ({@code readConnectionLost}, whose
 *       default loses the connection). When both halves are closed the connection closes with
 *       {@link ConnectionDone}.
 * </ul>
 *
 * Reactor thread only.
 */
public final class StreamConnection implements Transport, Selectable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConnection.class);

  /** The default high-water mark: 64 KiB, Twisted's {@code FileDescriptor.bufferSize}. */
  public static final int DEFAULT_HIGH_WATER = 64 * 1024;

  /** The default low-water mark. */
  public static final int DEFAULT_LOW_WATER = 16 * 1024;

  /** The connection's life. Transitions: OPEN → DISCONNECTING → CLOSED; OPEN or DISCONNECTING → DOOMED → CLOSED; any → CLOSED. */
  private enum State {
    /** Reading and writing. */
    OPEN,
    /** {@link #loseConnection()} or reactor shutdown: not reading, flushing the queue, then closing. */
    DISCONNECTING,
    /** Closing on the next pass with {@link #doomReason} (abort, or a write failed): no I/O. */
    DOOMED,
    /** The channel is closed and {@code connectionLost} was delivered. */
    CLOSED
  }

  /** Our sending half. Transitions: OPEN → CLOSING (loseWriteConnection) → CLOSED (EOF sent). */
  private enum WriteHalf {
    OPEN,
    CLOSING,
    CLOSED
  }

  private final SelectorLoop loop;
  private final SocketChannel channel;
  private final String kind;
  private final SocketAddress host;
  private final SocketAddress peer;
  private final Protocol protocol;

  /** Told the reason once the connection has closed (a client connector); may be {@code null}. */
  private final Consumer<Throwable> onClosed;

  private final WriteQueue queue = new WriteQueue();

  private SelectionKey key;

  /** The interest set last given to {@link #key}, to skip needless updates. */
  private int interest;

  /** The connection's life; see {@link State}. */
  private State state = State.OPEN;

  /** Our sending half; see {@link WriteHalf}. */
  private WriteHalf writeHalf = WriteHalf.OPEN;

  /** The peer sent EOF; we no longer read. */
  private boolean eofReceived;

  /** The transport, as a producer of what it reads, was paused ({@link #pauseProducing()}). */
  private boolean readingPaused;

  /** Why the connection closes, while DOOMED or DISCONNECTING for reactor shutdown. */
  private Throwable pendingReason;

  /** A {@code callLater(0)} that runs {@link #onDrained()} is pending. */
  private boolean drainCallPending;

  private int lowWater = DEFAULT_LOW_WATER;
  private int highWater = DEFAULT_HIGH_WATER;

  private PushProducer producer;
  private boolean streamingProducer;

  /** The streaming producer was paused by the high-water mark. */
  private boolean producerPaused;

  /** The pull producer wrote since it was last resumed: resume it once that has drained. */
  private boolean pullResumeDue;

  /** Reactor shutdown waits for these; fired when the channel closes. */
  private List<Deferred<Void>> closeWaiters;

  /**
   * Creates the transport for a connected channel; {@link #start()} attaches the protocol.
   *
   * @param loop the loop
   * @param channel a connected channel, in non-blocking mode
   * @param kind "TCP" or "Unix", for descriptions and to know which options apply
   * @param protocol what this connection drives
   * @param onClosed told the reason after {@code connectionLost}, or {@code null}
   * @throws IOException when the channel's addresses cannot be read (it is closed)
   */
  StreamConnection(
      SelectorLoop loop,
      SocketChannel channel,
      String kind,
      Protocol protocol,
      Consumer<Throwable> onClosed)
      throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.kind = kind;
    this.protocol = protocol;
    this.onClosed = onClosed;
    this.host = channel.getLocalAddress();
    this.peer = channel.getRemoteAddress();
  }

  /**
   * Registers with the loop and calls the protocol's {@code makeConnection}. A protocol that throws
   * there has its connection dropped with that reason.
   *
   * @throws IOException when the channel cannot be registered; nothing was delivered to the
   *     protocol and the caller closes the channel
   */
  void start() throws IOException {
    key = loop.register(channel, SelectionKey.OP_READ, this);
    interest = SelectionKey.OP_READ;
    loop.track(this);
    try {
      protocol.makeConnection(this);
    } catch (Throwable t) {
      protocolFailed("makeConnection/connectionMade", t);
      return;
    }
    updateInterest();
  }

  /** True while {@code protocol.dataReceived} runs: writes are queued, then sent together. */
  private boolean delivering;

  // --- Transport: writing ----------------------------------------------------------------------

  @Override
  public void write(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (!acceptsWrites() || data.length == 0) {
      return;
    }
    boolean wasEmpty = queue.isEmpty();
    queue.add(data);
    afterWrite(wasEmpty && !delivering);
  }

  @Override
  public void write(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    if (!acceptsWrites() || !data.hasRemaining()) {
      data.position(data.limit());
      return;
    }
    boolean wasEmpty = queue.isEmpty();
    if (wasEmpty && !delivering) {
      // Offer the caller's buffer to the socket first; only what it does not take is copied.
      try {
        channel.write(data);
      } catch (IOException e) {
        data.position(data.limit());
        doom(lost(e));
        return;
      }
    }
    queue.addCopy(data);
    afterWrite(false);
  }

  @Override
  public void writeSequence(List<byte[]> data) {
    Objects.requireNonNull(data, "data");
    if (!acceptsWrites()) {
      return;
    }
    boolean wasEmpty = queue.isEmpty();
    for (byte[] piece : data) {
      queue.add(Objects.requireNonNull(piece, "data element"));
    }
    afterWrite(wasEmpty && !delivering);
  }

  private boolean acceptsWrites() {
    return state == State.OPEN && writeHalf == WriteHalf.OPEN;
  }

  /** After bytes were queued: send at once if the queue was empty, then apply the producer rules. */
  private void afterWrite(boolean flushNow) {
    if (flushNow) {
      try {
        queue.writeTo(channel);
      } catch (IOException e) {
        doom(lost(e));
        return;
      }
    }
    if (producer != null) {
      if (!streamingProducer) {
        pullResumeDue = true;
        scheduleDrainWork();
      } else if (!producerPaused && queue.size() > highWater) {
        producerPaused = true;
        producer.pauseProducing();
      }
    }
    updateInterest();
  }

  @Override
  public long writeBufferSize() {
    return queue.size();
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

  // --- Transport: closing ----------------------------------------------------------------------

  @Override
  public void loseConnection() {
    if (state != State.OPEN) {
      return;
    }
    state = State.DISCONNECTING;
    updateInterest();
    scheduleDrainWork();
  }

  @Override
  public void abortConnection() {
    doom(new ConnectionAborted());
  }

  @Override
  public void loseWriteConnection() {
    if (state != State.OPEN || writeHalf != WriteHalf.OPEN) {
      return;
    }
    writeHalf = WriteHalf.CLOSING;
    scheduleDrainWork();
  }

  @Override
  public boolean isDisconnecting() {
    return state != State.OPEN;
  }

  /**
   * Closes on the next pass with {@code reason}, dropping the queue; nothing more is read or
   * written. Never calls the protocol synchronously.
   */
  private void doom(Throwable reason) {
    if (state == State.DOOMED || state == State.CLOSED) {
      return;
    }
    state = State.DOOMED;
    pendingReason = reason;
    queue.clear();
    updateInterest();
    loop.reactor().callLater(Duration.ZERO, () -> closeNow(pendingReason));
  }

  // --- Transport: addresses and options --------------------------------------------------------

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
    setOption(StandardSocketOptions.TCP_NODELAY, on);
  }

  @Override
  public void setTcpKeepAlive(boolean on) {
    setOption(StandardSocketOptions.SO_KEEPALIVE, on);
  }

  @Override
  public boolean getTcpNoDelay() {
    return getOption(StandardSocketOptions.TCP_NODELAY);
  }

  @Override
  public boolean getTcpKeepAlive() {
    return getOption(StandardSocketOptions.SO_KEEPALIVE);
  }

  private void setOption(SocketOption<Boolean> option, boolean on) {
    if (state == State.CLOSED || !channel.supportedOptions().contains(option)) {
      return;
    }
    try {
      channel.setOption(option, on);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set " + option + " on " + describe(), e);
    }
  }

  private boolean getOption(SocketOption<Boolean> option) {
    if (state == State.CLOSED || !channel.supportedOptions().contains(option)) {
      return false;
    }
    try {
      return channel.getOption(option);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + option + " of " + describe(), e);
    }
  }

  // --- Transport: producers --------------------------------------------------------------------

  @Override
  public void registerProducer(PushProducer producer, boolean streaming) {
    Objects.requireNonNull(producer, "producer");
    if (this.producer != null) {
      throw new IllegalStateException(
          "Cannot register producer "
              + producer
              + " on "
              + describe()
              + ": producer "
              + this.producer
              + " was never unregistered");
    }
    if (state == State.DOOMED || state == State.CLOSED) {
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
      throw new IllegalStateException("no producer is registered on " + describe());
    }
    producer = null;
    producerPaused = false;
    pullResumeDue = false;
  }

  /** Pauses reading from the socket (the transport as the producer of what it reads). */
  @Override
  public void pauseProducing() {
    readingPaused = true;
    updateInterest();
  }

  /** Resumes reading from the socket. */
  @Override
  public void resumeProducing() {
    readingPaused = false;
    updateInterest();
  }

  /** The consumer of what this transport reads is gone: lose the connection. */
  @Override
  public void stopProducing() {
    loseConnection();
  }

  // --- Selectable ------------------------------------------------------------------------------

  @Override
  public void selected(SelectionKey selected) {
    if (state == State.CLOSED || !selected.isValid()) {
      return;
    }
    int ready = selected.readyOps();
    if ((ready & SelectionKey.OP_READ) != 0) {
      doRead();
    }
    if ((ready & SelectionKey.OP_WRITE) != 0 && state != State.CLOSED) {
      doWrite();
    }
  }

  /** Reads once (at most the loop's buffer) and hands the bytes to the protocol. */
  private void doRead() {
    // The ready set was computed before this pass's callbacks ran; trust our own state instead.
    if (state != State.OPEN || readingPaused || eofReceived) {
      return;
    }
    ByteBuffer buffer = ReadBuffer.acquire();
    int count;
    try {
      count = channel.read(buffer);
    } catch (IOException e) {
      closeNow(lost(e));
      return;
    }
    if (count > 0) {
      byte[] data = ReadBuffer.drain(buffer);
      // Writes made while the protocol handles this read are queued and sent in one go after
      // it returns: a read of 16 pipelined requests costs one write system call, not 16.
      delivering = true;
      try {
        protocol.dataReceived(data);
      } catch (Throwable t) {
        protocolFailed("dataReceived", t);
      } finally {
        delivering = false;
      }
      if (state != State.CLOSED && !queue.isEmpty()) {
        doWrite();
      }
    } else if (count < 0) {
      eofReceived = true;
      updateInterest();
      try {
        protocol.readConnectionLost();
      } catch (Throwable t) {
        protocolFailed("readConnectionLost", t);
        return;
      }
      closeIfBothHalvesClosed();
    }
  }

  /** Flushes the queue, then applies the producer rules and what waits for the drain. */
  private void doWrite() {
    if (state == State.DOOMED || queue.isEmpty()) {
      updateInterest();
      return;
    }
    try {
      queue.writeTo(channel);
    } catch (IOException e) {
      closeNow(lost(e));
      return;
    }
    if (producer != null && streamingProducer && producerPaused && queue.size() <= lowWater) {
      producerPaused = false;
      try {
        producer.resumeProducing();
      } catch (Throwable t) {
        protocolFailed("producer resumeProducing", t);
        return;
      }
    }
    if (queue.isEmpty()) {
      onDrained();
    } else {
      updateInterest();
    }
  }

  /**
   * Arranges for {@link #onDrained()} to run from the loop: at once when the queue drains if it is
   * not empty, else on the next pass.
   */
  private void scheduleDrainWork() {
    if (!queue.isEmpty()) {
      updateInterest();
      return;
    }
    if (drainCallPending) {
      return;
    }
    drainCallPending = true;
    loop.reactor()
        .callLater(
            Duration.ZERO,
            () -> {
              drainCallPending = false;
              if (queue.isEmpty()) {
                onDrained();
              }
            });
  }

  /** The queue is empty, on the loop: close, half-close, or ask the pull producer for more. */
  private void onDrained() {
    if (state == State.DISCONNECTING) {
      closeNow(pendingReason != null ? pendingReason : new ConnectionDone());
    } else if (state != State.OPEN) {
      return;
    } else if (writeHalf == WriteHalf.CLOSING) {
      writeHalf = WriteHalf.CLOSED;
      try {
        channel.shutdownOutput();
      } catch (IOException e) {
        closeNow(lost(e));
        return;
      }
      try {
        protocol.writeConnectionLost();
      } catch (Throwable t) {
        protocolFailed("writeConnectionLost", t);
        return;
      }
      closeIfBothHalvesClosed();
    } else if (producer != null && !streamingProducer && pullResumeDue) {
      pullResumeDue = false;
      try {
        producer.resumeProducing();
      } catch (Throwable t) {
        protocolFailed("producer resumeProducing", t);
      }
    }
  }

  private void closeIfBothHalvesClosed() {
    if (state == State.OPEN && eofReceived && writeHalf == WriteHalf.CLOSED) {
      closeNow(new ConnectionDone());
    }
  }

  /** Sets the key's interest from the state; a no-op when it is unchanged. */
  private void updateInterest() {
    if (state == State.CLOSED || key == null || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (state == State.OPEN && !readingPaused && !eofReceived) {
      ops |= SelectionKey.OP_READ;
    }
    if (state != State.DOOMED && !queue.isEmpty()) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (ops != interest) {
      key.interestOps(ops);
      interest = ops;
    }
  }

  /**
   * Reactor shutdown: stop reading, flush, close with a {@link ConnectionLost} ("the reactor shut
   * down"), as Twisted's {@code disconnectAll} reports.
   */
  @Override
  public Deferred<Void> shutdown() {
    if (state == State.CLOSED) {
      return Deferred.succeed(null);
    }
    Deferred<Void> closed = new Deferred<>();
    if (closeWaiters == null) {
      closeWaiters = new ArrayList<>(1);
    }
    closeWaiters.add(closed);
    if (state == State.OPEN) {
      pendingReason =
          new ConnectionLost("Connection was closed because the reactor shut down.", null);
      loseConnection();
    }
    return closed;
  }

  @Override
  public void abort(Throwable reason) {
    closeNow(reason);
  }

  /**
   * Closes the channel and delivers {@code connectionLost(reason)}, exactly once. Called from the
   * loop only (a readiness event, a timer, a loop request), never inside a protocol's call.
   */
  private void closeNow(Throwable reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    queue.clear();
    if (key != null) {
      key.cancel();
    }
    if (reason instanceof ConnectionAborted
        && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
      // An abort resets the connection (Twisted's _closeSocket(orderly=False)): the peer sees a
      // reset, not an orderly end of stream.
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        LOG.debug("cannot set SO_LINGER 0 on {}; closing normally", describe(), e);
      }
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed; it is closed anyway", describe(), e);
    }
    loop.untrack(this);
    PushProducer stopped = producer;
    producer = null;
    if (stopped != null) {
      try {
        stopped.stopProducing();
      } catch (Throwable t) {
        LOG.error("producer {} of {} threw from stopProducing", stopped, describe(), t);
      }
    }
    try {
      protocol.connectionLost(new Failure(reason));
    } catch (Throwable t) {
      LOG.error("{} threw from connectionLost on {}", logPrefix(), describe(), t);
    }
    if (onClosed != null) {
      onClosed.accept(reason);
    }
    if (closeWaiters != null) {
      List<Deferred<Void>> waiters = closeWaiters;
      closeWaiters = null;
      for (Deferred<Void> waiter : waiters) {
        waiter.callback(null);
      }
    }
  }

  /** A protocol or producer method threw: log it with the peer and drop the connection. */
  private void protocolFailed(String method, Throwable t) {
    if (state == State.CLOSED) {
      LOG.error("{} threw from {} on {} (already closed)", logPrefix(), method, describe(), t);
      return;
    }
    LOG.error("{} threw from {} on {}; dropping the connection", logPrefix(), method, describe(), t);
    closeNow(t);
  }

  private ConnectionLost lost(IOException e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new ConnectionLost(
        "Connection to the other side was lost in a non-clean fashion: " + message + ".", e);
  }

  private String logPrefix() {
    try {
      return protocol.logPrefix();
    } catch (RuntimeException e) {
      return protocol.getClass().getName();
    }
  }

  @Override
  public String describe() {
    return kind
        + " connection "
        + Addresses.format(host)
        + " -> "
        + Addresses.format(peer)
        + " ("
        + logPrefix()
        + ")";
  }

  /** The description, the state and the queued byte count, e.g. for logs. */
  @Override
  public String toString() {
    return describe() + " [" + state + ", write half " + writeHalf + ", queued " + queue.size() + "]";
  }
}
