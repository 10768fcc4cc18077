package org.braid.reactor;

import org.braid.deferred.Failure;

/**
 * What a transport drives: subclass it and override the events you care about (Twisted's {@code
 * Protocol}).
 *
 * <pre>{@code
 * final class Echo extends Protocol {
 *   @Override
 *   public void dataReceived(byte[] data) {
 *     transport().write(data);
 *   }
 * }
 * }</pre>
 *
 * <p>Events arrive in this order: {@link #makeConnection} (which calls {@link #connectionMade()}),
 * any number of {@link #dataReceived}, then exactly one {@link #connectionLost}. Data arrives in
 * arbitrary chunks: a message may be split across calls, or several may come in one.
 *
 * <p>An exception thrown by an event method is logged with the peer, and the connection is dropped
 * with that exception as the reason; other connections and the reactor go on. Reactor thread only.
 */
public abstract class Protocol {
  private Transport transport;
  private Factory factory;

  /** Creates an unconnected protocol. Any thread (it is not yet shared). */
  protected Protocol() {}

  /**
   * Attaches the transport and calls {@link #connectionMade()}. Called by the transport, once.
   *
   * @param transport the connection
   */
  public void makeConnection(Transport transport) {
    if (this.transport != null) {
      throw new IllegalStateException(
          "makeConnection called twice on " + this + "; already connected to " + this.transport);
    }
    this.transport = transport;
    connectionMade();
  }

  /** The connection is ready: set up per-connection state, send a greeting. Default: nothing. */
  public void connectionMade() {}

  /**
   * Bytes arrived. Default: nothing.
   *
   * @param data the bytes, owned by the protocol from now on
   */
  public void dataReceived(byte[] data) {}

  /**
   * The connection ended. The reason is a {@link ConnectionDone} for a clean close, a {@link
   * ConnectionLost} (or its subclass {@link ConnectionAborted}) otherwise, or the exception a
   * protocol method threw. Default: nothing.
   *
   * @param reason why it ended
   */
  public void connectionLost(Failure reason) {}

  /** The peer half-closed (sent EOF) while we may still write. Default: lose the connection. */
  public void readConnectionLost() {
    transport.loseConnection();
  }

  /** Our side's half-close ({@link Transport#loseWriteConnection()}) took effect. Default: nothing. */
  public void writeConnectionLost() {}

  /**
   * The transport, or {@code null} before {@link #makeConnection}.
   *
   * @return the connection this protocol is attached to
   */
  public final Transport transport() {
    return transport;
  }

  /**
   * The factory that built this protocol, or {@code null}.
   *
   * @return the factory
   */
  public final Factory factory() {
    return factory;
  }

  /**
   * Set by {@link Factory#buildProtocol}.
   *
   * @param factory the factory that built this protocol
   */
  public final void setFactory(Factory factory) {
    this.factory = factory;
  }

  /**
   * A prefix for log lines about this protocol. Default: the class's simple name.
   *
   * @return the prefix
   */
  public String logPrefix() {
    return getClass().getSimpleName();
  }
}
