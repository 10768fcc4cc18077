package org.braid.reactor.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.braid.deferred.Failure;
import org.braid.reactor.Protocol;
import org.braid.reactor.Transport;

/**
 * A protocol that records its events so a test thread can wait for them: safe to read from
 * another thread than the one driving it (the loop thread in integration tests).
 */
public class RecordingProtocol extends Protocol {
  /** How long {@link #awaitReceived} waits. */
  public static final long WAIT_MILLIS = 30_000;

  /** Completed by {@code connectionMade} with the transport. */
  public final CompletableFuture<Transport> made = new CompletableFuture<>();

  /** Completed by {@code connectionLost} with the reason. */
  public final CompletableFuture<Failure> lost = new CompletableFuture<>();

  /** Completed by {@code readConnectionLost}. */
  public final CompletableFuture<Void> readLost = new CompletableFuture<>();

  /** Completed by {@code writeConnectionLost}. */
  public final CompletableFuture<Void> writeLost = new CompletableFuture<>();

  /** How many times {@code connectionLost} was called. */
  public final AtomicInteger lostCalls = new AtomicInteger();

  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  /** Whether {@code readConnectionLost} keeps the default (lose the connection). */
  private final boolean loseOnEof;

  /** A protocol that loses the connection when the peer sends EOF (the default). */
  public RecordingProtocol() {
    this(true);
  }

  /**
   * A protocol that records and, if {@code loseOnEof}, loses the connection on the peer's EOF.
   *
   * @param loseOnEof false to keep the connection half-open after the peer's EOF
   */
  public RecordingProtocol(boolean loseOnEof) {
    this.loseOnEof = loseOnEof;
  }

  @Override
  public void connectionMade() {
    made.complete(transport());
  }

  @Override
  public void dataReceived(byte[] data) {
    synchronized (received) {
      received.writeBytes(data);
      received.notifyAll();
    }
  }

  @Override
  public void readConnectionLost() {
    readLost.complete(null);
    if (loseOnEof) {
      super.readConnectionLost();
    }
  }

  @Override
  public void writeConnectionLost() {
    writeLost.complete(null);
  }

  @Override
  public void connectionLost(Failure reason) {
    lostCalls.incrementAndGet();
    lost.complete(reason);
  }

  /**
   * What arrived so far.
   *
   * @return a copy
   */
  public byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  /**
   * What arrived so far, as UTF-8.
   *
   * @return the text
   */
  public String receivedString() {
    return new String(received(), StandardCharsets.UTF_8);
  }

  /**
   * Waits (bounded) until at least {@code count} bytes arrived.
   *
   * @param count how many
   * @return what arrived
   * @throws AssertionError when they do not arrive in time
   */
  public byte[] awaitReceived(int count) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    synchronized (received) {
      while (received.size() < count) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError(
              "expected " + count + " bytes within " + WAIT_MILLIS + " ms, got " + received.size());
        }
        try {
          received.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
      return received.toByteArray();
    }
  }

  /**
   * Waits (bounded) for {@code connectionLost} and returns its reason.
   *
   * @return the reason
   */
  public Failure awaitLost() {
    try {
      return lost.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("connectionLost was not called within " + WAIT_MILLIS + " ms on " + this, e);
    }
  }

  /**
   * Waits (bounded) for {@code connectionMade} and returns the transport.
   *
   * @return the transport
   */
  public Transport awaitMade() {
    try {
      return made.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("connectionMade was not called within " + WAIT_MILLIS + " ms", e);
    }
  }
}
