package org.braid.reactor.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.braid.reactor.Transport;

/**
 * A transport that records what is written to it, for driving one protocol by hand (Twisted's
 * {@code StringTransport}).
 *
 * <pre>{@code
 * StringTransport transport = new StringTransport();
 * protocol.makeConnection(transport);
 * protocol.dataReceived("get k\r\n".getBytes(US_ASCII));
 * assertThat(transport.valueString()).isEqualTo("END\r\n");
 * }</pre>
 *
 * <ul>
 *   <li>Writes accumulate in {@link #value()} until {@link #clear()}; as on a real transport,
 *       writes after {@link #loseConnection()}, {@link #abortConnection()} or {@link
 *       #loseWriteConnection()} are ignored.
 *   <li>{@link #loseConnection()} only sets {@link #isDisconnecting()}; {@link #abortConnection()}
 *       also sets {@link #isDisconnected()}. Neither calls the protocol, unless the transport was
 *       made by {@link #withDisconnection(Protocol)} (Twisted's {@code
 *       StringTransportWithDisconnection}): then the first of them calls the protocol's {@code
 *       connectionLost} synchronously, with {@code ConnectionDone("Bye.")} or {@link
 *       ConnectionAborted}, and stops a registered producer.
 *   <li>Producers: registering a second one, or unregistering when none is registered, throws
 *       {@link IllegalStateException}. The transport never calls the producer itself (the test
 *       does). As a producer of what it reads, the transport records {@link #producerState()};
 *       pausing or resuming it after {@code loseConnection} throws, unless {@link
 *       #setLenient(boolean) lenient}.
 *   <li>Addresses default to host 10.0.0.1:12345 and peer 192.168.1.1:54321, as in Twisted.
 * </ul>
 *
 * Test thread only.
 */
public class StringTransport implements Transport {
  /** The default local address: 10.0.0.1:12345. */
  public static final InetSocketAddress DEFAULT_HOST = new InetSocketAddress("10.0.0.1", 12345);

  /** The default peer address: 192.168.1.1:54321. */
  public static final InetSocketAddress DEFAULT_PEER =
      new InetSocketAddress("192.168.1.1", 54321);

  /** The transport's own state as a producer of what it reads. */
  public enum ProducerState {
    /** Reading (the initial state). */
    PRODUCING,
    /** {@link StringTransport#pauseProducing()} was called. */
    PAUSED,
    /** {@link StringTransport#stopProducing()} was called. */
    STOPPED
  }

  private final SocketAddress host;
  private final SocketAddress peer;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();

  /** Told about disconnection ({@link #withDisconnection}), or {@code null}. */
  private final Protocol disconnectionProtocol;

  private boolean connectionLostDelivered;
  private boolean disconnecting;
  private boolean disconnected;
  private boolean writeDisconnected;
  private boolean lenient;
  private boolean tcpNoDelay;
  private boolean tcpKeepAlive;
  private int lowWater = 16 * 1024;
  private int highWater = 64 * 1024;
  private PushProducer producer;
  private boolean streaming;
  private ProducerState producerState = ProducerState.PRODUCING;

  /** Creates a transport with the default addresses. */
  public StringTransport() {
    this(DEFAULT_HOST, DEFAULT_PEER);
  }

  /**
   * Creates a transport with the given addresses.
   *
   * @param host what {@link #getHost()} returns
   * @param peer what {@link #getPeer()} returns
   */
  public StringTransport(SocketAddress host, SocketAddress peer) {
    this(host, peer, null);
  }

  private StringTransport(SocketAddress host, SocketAddress peer, Protocol disconnectionProtocol) {
    this.host = Objects.requireNonNull(host, "host");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.disconnectionProtocol = disconnectionProtocol;
  }

  /**
   * A transport whose {@link #loseConnection()} and {@link #abortConnection()} deliver {@code
   * connectionLost} to {@code protocol}, once (Twisted's {@code
   * StringTransportWithDisconnection}). The test still calls {@code
   * protocol.makeConnection(transport)}.
   *
   * @param protocol the protocol to tell
   * @return the transport, with the default addresses
   */
  public static StringTransport withDisconnection(Protocol protocol) {
    return new StringTransport(DEFAULT_HOST, DEFAULT_PEER, Objects.requireNonNull(protocol, "protocol"));
  }

  // --- recorded output ---------------------------------------------------------------------------

  /**
   * Everything written since creation or the last {@link #clear()}.
   *
   * @return a copy of the bytes
   */
  public byte[] value() {
    return written.toByteArray();
  }

  /**
   * {@link #value()} decoded as UTF-8.
   *
   * @return the text
   */
  public String valueString() {
    return valueString(StandardCharsets.UTF_8);
  }

  /**
   * {@link #value()} decoded with {@code charset}.
   *
   * @param charset the encoding
   * @return the text
   */
  public String valueString(Charset charset) {
    return written.toString(charset);
  }

  /** Forgets what was written. */
  public void clear() {
    written.reset();
  }

  // --- Transport ---------------------------------------------------------------------------------

  @Override
  public void write(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (acceptsWrites()) {
      written.writeBytes(data);
    }
  }

  @Override
  public void write(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    if (acceptsWrites()) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      written.writeBytes(bytes);
    } else {
      data.position(data.limit());
    }
  }

  @Override
  public void writeSequence(List<byte[]> data) {
    Objects.requireNonNull(data, "data");
    for (byte[] piece : data) {
      write(piece);
    }
  }

  private boolean acceptsWrites() {
    return !disconnecting && !writeDisconnected;
  }

  @Override
  public void loseConnection() {
    if (disconnecting) {
      return;
    }
    disconnecting = true;
    deliverConnectionLost(new ConnectionDone("Bye."));
  }

  @Override
  public void abortConnection() {
    disconnecting = true;
    disconnected = true;
    deliverConnectionLost(new ConnectionAborted());
  }

  private void deliverConnectionLost(Throwable reason) {
    if (disconnectionProtocol == null || connectionLostDelivered) {
      return;
    }
    connectionLostDelivered = true;
    disconnected = true;
    PushProducer stopped = producer;
    producer = null;
    if (stopped != null) {
      stopped.stopProducing();
    }
    disconnectionProtocol.connectionLost(new Failure(reason));
  }

  @Override
  public void loseWriteConnection() {
    writeDisconnected = true;
  }

  @Override
  public boolean isDisconnecting() {
    return disconnecting;
  }

  /**
   * Tells whether the connection counts as closed: {@link #abortConnection()} was called, or
   * {@code connectionLost} was delivered.
   *
   * @return whether it is disconnected
   */
  public boolean isDisconnected() {
    return disconnected;
  }

  /**
   * Tells whether {@link #loseWriteConnection()} was called.
   *
   * @return whether our half is closed
   */
  public boolean isWriteDisconnected() {
    return writeDisconnected;
  }

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

  /**
   * Always 0: what is written counts as sent at once.
   *
   * @return 0
   */
  @Override
  public long writeBufferSize() {
    return 0;
  }

  /** Validates and records the marks (see {@link #lowWater()}, {@link #highWater()}). */
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

  /**
   * The low-water mark last set.
   *
   * @return the mark
   */
  public int lowWater() {
    return lowWater;
  }

  /**
   * The high-water mark last set.
   *
   * @return the mark
   */
  public int highWater() {
    return highWater;
  }

  // --- producers ---------------------------------------------------------------------------------

  @Override
  public void registerProducer(PushProducer producer, boolean streaming) {
    Objects.requireNonNull(producer, "producer");
    if (this.producer != null) {
      throw new IllegalStateException(
          "Cannot register two producers: " + this.producer + " is registered, not " + producer);
    }
    this.producer = producer;
    this.streaming = streaming;
  }

  @Override
  public void unregisterProducer() {
    if (producer == null) {
      throw new IllegalStateException("Cannot unregister a producer unless one is registered");
    }
    producer = null;
  }

  /**
   * The registered producer, or {@code null}.
   *
   * @return the producer
   */
  public PushProducer producer() {
    return producer;
  }

  /**
   * Whether the registered producer is a streaming (push) producer.
   *
   * @return the flag given to {@link #registerProducer}
   */
  public boolean isStreaming() {
    return streaming;
  }

  /**
   * The transport's own state as a producer of what it reads.
   *
   * @return the state
   */
  public ProducerState producerState() {
    return producerState;
  }

  /**
   * Allows pausing and resuming after {@link #loseConnection()} (Twisted's {@code lenient}).
   *
   * @param lenient whether to allow it
   */
  public void setLenient(boolean lenient) {
    this.lenient = lenient;
  }

  @Override
  public void pauseProducing() {
    checkProducerCall("pauseProducing");
    producerState = ProducerState.PAUSED;
  }

  @Override
  public void resumeProducing() {
    checkProducerCall("resumeProducing");
    producerState = ProducerState.PRODUCING;
  }

  @Override
  public void stopProducing() {
    producerState = ProducerState.STOPPED;
  }

  private void checkProducerCall(String method) {
    if (disconnecting && !lenient) {
      throw new IllegalStateException(
          "Cannot call "
              + method
              + " after loseConnection (producer state "
              + producerState
              + "); use setLenient(true) to allow it");
    }
  }

  @Override
  public String toString() {
    return "StringTransport["
        + host
        + " -> "
        + peer
        + ", "
        + written.size()
        + " bytes written"
        + (disconnected ? ", disconnected" : disconnecting ? ", disconnecting" : "")
        + "]";
  }
}
