package org.braid.inline;

import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.braid.reactor.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection as sequential code sees it: reads that wait for data and writes that wait for
 * room, each a Deferred to {@link Inline#await}. The gevent style, on Braid's reactor:
 *
 * <pre>{@code
 * Factory echo = InlineServer.factory(conn -> {
 *   String line;
 *   while ((line = await(conn.readLine())) != null) {
 *     await(conn.write(line + "\n"));
 *   }
 * });
 * }</pre>
 *
 * <h2>Reading</h2>
 * One read may be outstanding at a time. At a clean end of stream, {@link #readLine()} first
 * returns what is left of an unterminated line (as {@code BufferedReader} does) and then {@code
 * null}; {@link #read()} returns {@code null}; {@link #readExactly(int)} fails with {@link
 * ConnectionDone} if the stream ends first. A connection lost uncleanly fails the pending read
 * with its reason. When more than {@link #MAX_BUFFERED} unread bytes pile up, the connection
 * stops reading from the socket until the code catches up (backpressure without thinking about
 * it).
 *
 * <h2>Writing</h2>
 * {@link #write} queues the bytes at once and returns a Deferred that fires when the transport's
 * write buffer is below its high-water mark again: immediately in the common case, later when
 * the peer reads slowly.
 *
 * <p>Reactor thread only (which includes inline bodies the reactor resumes).
 */
public final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** The longest line {@link #readLine()} accepts, in bytes, delimiter excluded. */
  public static final int MAX_LINE_LENGTH = 16384;

  /** Unread bytes past which the connection stops reading from the socket. */
  public static final int MAX_BUFFERED = 64 * 1024;

  private enum ReadKind {
    LINE,
    EXACTLY,
    ANY
  }

  private final Adapter protocol = new Adapter();

  /** Received, not yet read bytes: buffer[start, end). */
  private byte[] buffer = new byte[512];

  private int start;
  private int end;

  /** The outstanding read, or null. */
  private Deferred<Object> pendingRead;

  private ReadKind pendingKind;
  private int pendingCount;

  /** Why the connection ended; null while open. */
  private Failure closed;

  /** True while the transport's write buffer is over its high-water mark. */
  private boolean writesPaused;

  /** Writes waiting for room, fired in order when the transport drains. */
  private final ArrayDeque<Deferred<Void>> waitingWriters = new ArrayDeque<>();

  private boolean readingPaused;
  private final Deferred<Void> lost = new Deferred<>();

  /** The inline body to run per connection (servers), or null (clients). */
  private final ConnectionHandler handler;

  Connection(ConnectionHandler handler) {
    this.handler = handler;
  }

  /**
   * Connects to {@code endpoint} and returns the connection, for sequential client code:
   * {@code Connection conn = await(Connection.open(endpoint));}.
   *
   * @param endpoint where to connect, e.g. {@code Endpoints.clientFromString(reactor,
   *     "tcp:host=127.0.0.1:port=11211")}
   * @return a Deferred of the open connection, failing with the connect failure
   */
  public static Deferred<Connection> open(ClientEndpoint endpoint) {
    Connection connection = new Connection(null);
    return endpoint.connect(connection::protocol).addCallback(protocol -> connection);
  }

  /** The protocol that feeds this connection; the transport drives it. */
  Protocol protocol() {
    return protocol;
  }

  /**
   * Reads one line ending in {@code \n} (a preceding {@code \r} is dropped too), as UTF-8.
   *
   * @return a Deferred of the line without its delimiter, or of {@code null} at the end of the
   *     stream; it fails with a {@link LineTooLongException} (and the connection is lost) for a
   *     line over {@link #MAX_LINE_LENGTH} bytes
   */
  public Deferred<String> readLine() {
    return startRead(ReadKind.LINE, 0);
  }

  /**
   * Reads exactly {@code count} bytes.
   *
   * @param count how many, at least 0
   * @return a Deferred of the bytes; it fails with {@link ConnectionDone} when the stream ends
   *     first
   */
  public Deferred<byte[]> readExactly(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0: " + count);
    }
    return startRead(ReadKind.EXACTLY, count);
  }

  /**
   * Reads whatever has arrived, waiting for at least one byte.
   *
   * @return a Deferred of the bytes, or of {@code null} at the end of the stream
   */
  public Deferred<byte[]> read() {
    return startRead(ReadKind.ANY, 0);
  }

  /**
   * Writes a string as UTF-8.
   *
   * @param text what to send
   * @return a Deferred that fires when there is room for more
   */
  public Deferred<Void> write(String text) {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes bytes; they are queued at once.
   *
   * @param data what to send; not copied, so do not change it afterwards
   * @return a Deferred that fires when the write buffer is below its high-water mark, at once in
   *     the common case; it fails with the reason if the connection is gone
   */
  public Deferred<Void> write(byte[] data) {
    if (closed != null) {
      return Deferred.fail(closed);
    }
    protocol.transport().write(data);
    if (!writesPaused) {
      return Deferred.succeed(null);
    }
    Deferred<Void> room = new Deferred<>(waitingWriters::remove);
    waitingWriters.add(room);
    return room;
  }

  /**
   * Closes the connection after queued bytes are sent.
   *
   * @return a Deferred that fires when the connection is closed
   */
  public Deferred<Void> close() {
    if (closed == null) {
      protocol.transport().loseConnection();
    }
    Deferred<Void> done = new Deferred<>();
    lost.addBoth(
        (v, f) -> {
          done.callback(null);
          return v;
        });
    return done;
  }

  /**
   * The peer's address.
   *
   * @return the remote address
   */
  public SocketAddress peer() {
    return protocol.transport().getPeer();
  }

  /**
   * The transport, for anything the sequential API does not cover.
   *
   * @return the transport
   */
  public Transport transport() {
    return protocol.transport();
  }

  // ------------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private <T> Deferred<T> startRead(ReadKind kind, int count) {
    if (pendingRead != null) {
      throw new IllegalStateException(
          "a " + pendingKind + " read is already waiting on this connection; await it first");
    }
    Deferred<Object> read = new Deferred<>(this::cancelRead);
    pendingRead = read;
    pendingKind = kind;
    pendingCount = count;
    satisfy();
    return (Deferred<T>) (Deferred<?>) read;
  }

  private void cancelRead(Deferred<Object> read) {
    if (pendingRead == read) {
      pendingRead = null;
    }
  }

  /** Completes the pending read if the buffer (or the end of the stream) allows. */
  private void satisfy() {
    Deferred<Object> read = pendingRead;
    if (read == null) {
      return;
    }
    Object value = null;
    Failure failure = null;
    boolean ready = true;
    switch (pendingKind) {
      case LINE -> {
        int newline = indexOf((byte) '\n');
        if (newline >= 0) {
          int lineEnd = newline > start && buffer[newline - 1] == '\r' ? newline - 1 : newline;
          if (lineEnd - start > MAX_LINE_LENGTH) {
            failure = lineTooLong(lineEnd - start);
          } else {
            value = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
            start = newline + 1;
          }
        } else if (end - start > MAX_LINE_LENGTH + 1) {
          failure = lineTooLong(end - start);
        } else if (closed != null) {
          if (end > start) {
            value = new String(buffer, start, end - start, StandardCharsets.UTF_8);
            start = end;
          } else if (closed.check(ConnectionDone.class) == null) {
            failure = closed;
          }
        } else {
          ready = false;
        }
      }
      case EXACTLY -> {
        if (end - start >= pendingCount) {
          value = Arrays.copyOfRange(buffer, start, start + pendingCount);
          start += pendingCount;
        } else if (closed != null) {
          failure = closed;
        } else {
          ready = false;
        }
      }
      case ANY -> {
        if (end > start) {
          value = Arrays.copyOfRange(buffer, start, end);
          start = end;
        } else if (closed != null) {
          if (closed.check(ConnectionDone.class) == null) {
            failure = closed;
          }
        } else {
          ready = false;
        }
      }
    }
    if (!ready) {
      return;
    }
    pendingRead = null;
    resumeReadingIfDrained();
    if (failure != null) {
      read.errback(failure);
    } else {
      read.callback(value);
    }
  }

  private Failure lineTooLong(int length) {
    start = end; // the rest is garbage now
    protocol.transport().loseConnection();
    return new Failure(
        new LineTooLongException(
            "line length " + length + " exceeds maximum " + MAX_LINE_LENGTH + " bytes"));
  }

  private int indexOf(byte b) {
    for (int i = start; i < end; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private void append(byte[] data) {
    if (end + data.length > buffer.length) {
      int live = end - start;
      if (live + data.length <= buffer.length / 2) {
        System.arraycopy(buffer, start, buffer, 0, live);
      } else {
        byte[] bigger = new byte[Math.max(buffer.length * 2, live + data.length)];
        System.arraycopy(buffer, start, bigger, 0, live);
        buffer = bigger;
      }
      start = 0;
      end = live;
    }
    System.arraycopy(data, 0, buffer, end, data.length);
    end += data.length;
    if (end - start > MAX_BUFFERED && !readingPaused && closed == null) {
      readingPaused = true;
      protocol.transport().pauseProducing();
    }
  }

  private void resumeReadingIfDrained() {
    if (start == end) {
      start = end = 0;
    }
    if (readingPaused && end - start <= MAX_BUFFERED / 2 && closed == null) {
      readingPaused = false;
      protocol.transport().resumeProducing();
    }
  }

  /** The protocol side: the transport's events, turned into state for the reads above. */
  private final class Adapter extends Protocol implements PushProducer {
    @Override
    public void connectionMade() {
      transport().registerProducer(this, true);
      if (handler != null) {
        Inline.run(
                () -> {
                  handler.handle(Connection.this);
                  return null;
                })
            .addBoth(
                (ignored, failure) -> {
                  if (failure != null && closed == null) {
                    LOG.error(
                        "inline handler for the connection from {} failed; closing it",
                        transport().getPeer(),
                        failure.value());
                  } else if (failure != null) {
                    LOG.debug("inline handler ended with {} after the connection closed", failure);
                  }
                  if (closed == null) {
                    transport().loseConnection();
                  }
                  return null;
                });
      }
    }

    @Override
    public void dataReceived(byte[] data) {
      append(data);
      satisfy();
    }

    @Override
    public void connectionLost(Failure reason) {
      closed = reason;
      satisfy();
      Deferred<Void> writer;
      while ((writer = waitingWriters.poll()) != null) {
        writer.errback(reason);
      }
      lost.callback(null);
    }

    @Override
    public void pauseProducing() {
      writesPaused = true;
    }

    @Override
    public void resumeProducing() {
      writesPaused = false;
      Deferred<Void> writer;
      while (!writesPaused && (writer = waitingWriters.poll()) != null) {
        writer.callback(null);
      }
    }

    @Override
    public void stopProducing() {
      // The connection is ending; connectionLost reports it to readers and writers.
    }
  }
}
